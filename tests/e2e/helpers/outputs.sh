# Shared by the tests of the commands that write files (t1101-t1104): a
# workspace with a dataset, a stored object and a trained run, and the list
# of those commands. Sourced after lib.sh.

# The workspace: iris.csv as dataset iris, its object's hash in ./hash, a
# naive Bayes run's id in ./run.
outputs_setup() {
	cairn init >/dev/null &&
	cp "$DATASETS/iris.csv" iris.csv &&
	cairn data add iris.csv >/dev/null &&
	cairn object put iris.csv >hash &&
	cairn train --data iris --target species --algo naive_bayes --json >train.json &&
	python3 -c "import json; print(json.load(open(\"train.json\"))[\"run_id\"])" >run
}

# Every command that writes one file, one a line, the destination to be
# appended as its last argument.
output_writers() {
	echo "object get --link copy $(cat hash)"
	echo "runs get-artifact $(cat run) model/params.json"
	echo "data checkout --link copy iris"
	echo "data suggest iris --out"
	echo "data profile iris --html"
	echo "predict $(cat run) --data iris.csv --out"
	echo "metrics history $(cat run) train_accuracy --svg"
}
