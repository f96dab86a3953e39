#!/bin/sh
# A small training script for the demo and the tests: a nearest-centroid
# classifier in awk over a CSV whose last column is the class. Run it under
# `cairn run`, which gives it CAIRN_RUN_ID; it logs its params, its inputs,
# a metric per class and the test accuracy, and stores model.txt.
#
# usage: train-centroid.sh TRAIN_REF TEST_REF [DISTANCE]   (euclidean|manhattan)
set -eu
train_ref=$1 test_ref=$2 distance=${3:-euclidean}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cairn log param distance "$distance"
cairn log input "$train_ref" --context train
cairn log input "$test_ref" --context test
cairn data checkout "$train_ref" "$work/train.csv" >/dev/null
cairn data checkout "$test_ref" "$work/test.csv" >/dev/null

# The centroid of each class: one line "class mean1 mean2 ...".
awk -F, 'NR > 1 {
	c = $NF; n[c]++
	for (i = 1; i < NF; i++) s[c, i] += $i
	nf = NF
} END {
	for (c in n) {
		line = c
		for (i = 1; i < nf; i++) line = line " " sprintf("%.6f", s[c, i] / n[c])
		print line
	}
}' "$work/train.csv" | sort >model.txt

# Classify each test row by its nearest centroid; print "truth predicted".
awk -F, -v dist="$distance" 'NR == FNR { split($0, f, " "); cls[++k] = f[1]
	for (i = 2; i <= length(f); i++) mu[k, i - 1] = f[i]; nfeat = length(f) - 1; next }
FNR > 1 {
	best = ""; bestd = 0
	for (j = 1; j <= k; j++) {
		d = 0
		for (i = 1; i <= nfeat; i++) {
			x = $i - mu[j, i]
			d += (dist == "manhattan") ? (x < 0 ? -x : x) : x * x
		}
		if (best == "" || d < bestd) { best = cls[j]; bestd = d }
	}
	print $NF, best
}' model.txt "$work/test.csv" >"$work/predictions"

total=$(wc -l <"$work/predictions")
right=$(awk '$1 == $2' "$work/predictions" | wc -l)
step=0
for c in $(cut -d' ' -f1 "$work/predictions" | sort -u); do
	step=$((step + 1))
	n=$(awk -v c="$c" '$1 == c' "$work/predictions" | wc -l)
	ok=$(awk -v c="$c" '$1 == c && $2 == c' "$work/predictions" | wc -l)
	cairn log metric class_recall "$(awk -v a="$ok" -v b="$n" 'BEGIN { printf "%.6f", a / b }')" --step $step
done
accuracy=$(awk -v a="$right" -v b="$total" 'BEGIN { printf "%.6f", a / b }')
cairn log metric accuracy "$accuracy"
cairn log artifact model.txt --path model/model.txt
echo "accuracy $accuracy on $total test rows"
