#!/bin/bash
# A tampered bundle is refused (exit 6) with a message naming the file at
# fault, and nothing of it is written out: a byte flipped, a file added or
# removed, the manifest edited, a path that climbs out or is absolute, a
# link, a duplicate, a truncated archive.
. "$(dirname "$0")/lib.sh"

# Rewrites model.cairn into $1 through the Python expression $2 applied to
# the list of (TarInfo, bytes) members `ms` (the manifest's JSON is `m`,
# written back first).
tamper() {
	python3 - "$1" "$2" <<'PY'
import io, json, sys, tarfile
out, expr = sys.argv[1], sys.argv[2]
t = tarfile.open("model.cairn")
ms = [(i, t.extractfile(i).read()) for i in t.getmembers()]
m = json.loads(ms[0][1])
def member(name, data, kind=tarfile.REGTYPE, link=""):
    i = tarfile.TarInfo(name)
    i.size = len(data) if kind == tarfile.REGTYPE else 0
    i.type = kind
    i.linkname = link
    return (i, data if kind == tarfile.REGTYPE else b"")
def listed(name, data):
    import hashlib
    m["files"].append({"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
exec(expr)
ms[0] = member("cairn-bundle.json", json.dumps(m).encode())
with tarfile.open(out, "w", format=tarfile.USTAR_FORMAT) as w:
    for i, d in ms:
        w.addfile(i, io.BytesIO(d) if i.isreg() else None)
PY
}

# Asserts that predicting with the bundle $1 exits 6 naming $2, and that
# nothing was written out.
refused() {
	rm -rf tmpd && mkdir tmpd &&
	TMPDIR=$PWD/tmpd test_expect_code 6 cairn predict "$1" --data rows.csv >out 2>err &&
	test_grep "$2" err &&
	test ! -s out &&
	test -z "$(ls -A tmpd)"
}

test_expect_success 'setup: a bundle' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo logistic --register iris >/dev/null &&
	cairn package iris@1 --out model.cairn >/dev/null &&
	head -6 "$DATASETS/iris.csv" >rows.csv &&
	cairn predict model.cairn --data rows.csv >/dev/null &&
	tamper same.cairn "pass" &&
	cairn predict same.cairn --data rows.csv >/dev/null
'

test_expect_success 'a byte flipped in a file names the file' '
	python3 -c "
import tarfile
b = bytearray(open(\"model.cairn\", \"rb\").read())
b[tarfile.open(\"model.cairn\").getmember(\"model/preprocess.json\").offset_data + 3] ^= 1
open(\"flipped.cairn\", \"wb\").write(b)
" &&
	refused flipped.cairn "bundle .flipped.cairn.: .model/preprocess.json. does not match the manifest"
'

test_expect_success 'a file added, in the manifest or not, is refused' '
	tamper added.cairn "ms.append(member(\"model/extra.txt\", b\"x\"))" &&
	refused added.cairn "model/extra.txt. is not in the manifest" &&
	tamper added2.cairn "ms.append(member(\"model/extra.txt\", b\"x\")); listed(\"model/extra.txt\", b\"y\")" &&
	refused added2.cairn "model/extra.txt. does not match the manifest"
'

test_expect_success 'a file removed is named' '
	tamper removed.cairn "ms[:] = [x for x in ms if x[0].name != \"model/MLmodel\"]" &&
	refused removed.cairn ".model/MLmodel. is in the manifest but missing from the bundle"
'

test_expect_success 'an edited manifest is refused naming the file it disagrees on' '
	tamper size.cairn "m[\"files\"][0][\"size\"] += 1" &&
	refused size.cairn "model/MLmodel. has [0-9]+ bytes, the manifest says" &&
	tamper hash.cairn "m[\"files\"][1][\"sha256\"] = \"0\" * 64" &&
	refused hash.cairn "does not match the manifest" &&
	tamper dup.cairn "m[\"files\"].append(dict(m[\"files\"][0]))" &&
	refused dup.cairn "lists .model/MLmodel. twice" &&
	tamper fmt.cairn "m[\"format_version\"] = 2" &&
	refused fmt.cairn "format_version"
'

test_expect_success 'a path that climbs out or is absolute is refused and not written' '
	tamper up.cairn "ms.append(member(\"model/../../evil\", b\"x\")); listed(\"model/../../evil\", b\"x\")" &&
	refused up.cairn "bad path .model/../../evil." &&
	tamper up2.cairn "ms.append(member(\"model/../../evil\", b\"x\"))" &&
	refused up2.cairn "model/../../evil. is absolute or holds" &&
	tamper abs.cairn "ms.append(member(\"/tmp/evil\", b\"x\")); listed(\"/tmp/evil\", b\"x\")" &&
	refused abs.cairn "bad path ./tmp/evil." &&
	test ! -e ../evil && test ! -e evil
'

test_expect_success 'links, directories and duplicates are refused' '
	tamper link.cairn "ms.append(member(\"model/link\", b\"\", tarfile.SYMTYPE, \"/etc/passwd\"))" &&
	refused link.cairn "model/link. is a link, not a regular file" &&
	tamper hard.cairn "ms.append(member(\"model/hard\", b\"\", tarfile.LNKTYPE, \"model/MLmodel\"))" &&
	refused hard.cairn "model/hard. is a link" &&
	tamper dir.cairn "ms.append(member(\"model/sub\", b\"\", tarfile.DIRTYPE))" &&
	refused dir.cairn "model/sub/. is a directory" &&
	tamper twice.cairn "ms.append(ms[1])" &&
	refused twice.cairn "model/MLmodel. appears twice" &&
	tamper second.cairn "ms.append(ms[0])" &&
	refused second.cairn "a second manifest"
'

test_expect_success 'a truncated or padded bundle is refused' '
	size=$(stat -c %s model.cairn) &&
	head -c $((size / 2)) model.cairn >half.cairn &&
	refused half.cairn "bundle .half.cairn. is damaged" &&
	{ cat model.cairn; echo junk; } >tail.cairn &&
	refused tail.cairn "data follows the end of the archive"
'

test_expect_success 'a tar file that is not a bundle is not taken for one' '
	tar cf plain.tar rows.csv &&
	test_expect_code 4 cairn predict plain.tar --data rows.csv 2>err &&
	test_grep "plain.tar" err
'

test_done
