#!/bin/bash
# cairn package --oci / --oci-archive: an OCI image built without a
# container daemon. The layout's digests and sizes hold; skopeo reads its
# labels and entrypoint; umoci unpacks it; the unpacked root filesystem
# runs cairn under chroot with no workspace (predict, and serve when this
# build has it); the same model gives the same image.
. "$(dirname "$0")/lib.sh"

# Runs a command in the unpacked root filesystem under chroot. A sanitizer
# build reads its options and threads from /proc, which a bare root lacks:
# it gets one, mounted in a mount namespace of its own (gone with it).
# The command replaces the calling shell (run it in a subshell, or in the
# background: then $! is the command's own PID).
in_rootfs() {
	if ldd "$(command -v cairn)" 2>/dev/null | grep -q libasan; then
		mkdir -p bundle/rootfs/proc &&
		exec unshare --mount sh -c 'mount -t proc proc bundle/rootfs/proc &&
			exec chroot bundle/rootfs "$@"' sh "$@"
	else
		exec chroot bundle/rootfs "$@"
	fi
}

server_pid=
trap '[ -n "$server_pid" ] && kill $server_pid 2>/dev/null' EXIT

test_expect_success 'setup: a registered xgboost model' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo xgboost --param n_estimators=5 \
		--register iris --json >train.json &&
	jq_py "d[\"run_id\"]" <train.json >run_id &&
	head -11 "$DATASETS/iris.csv" >rows.csv &&
	cairn predict iris@1 --data rows.csv --proba >expect
'

test_expect_success 'package --oci writes an image layout whose digests and sizes hold' '
	cairn package iris@1 --oci img --tag v1 --json >oci.json &&
	test "$(jq_py "d[\"tag\"], d[\"model\"], d[\"libraries\"] > 5" <oci.json)" = "v1 iris@1 True" &&
	test -f img/oci-layout && test -f img/index.json &&
	python3 - <<-\PY
	import hashlib, json, os
	def blob(d):
	    assert d["digest"].startswith("sha256:"), d
	    b = open("img/blobs/sha256/" + d["digest"][7:], "rb").read()
	    assert hashlib.sha256(b).hexdigest() == d["digest"][7:], d
	    assert len(b) == d["size"], d
	    return b
	assert json.load(open("img/oci-layout")) == {"imageLayoutVersion": "1.0.0"}
	index = json.load(open("img/index.json"))
	assert index["schemaVersion"] == 2 and len(index["manifests"]) == 1, index
	m = index["manifests"][0]
	assert m["mediaType"] == "application/vnd.oci.image.manifest.v1+json", m
	assert m["annotations"]["org.opencontainers.image.ref.name"] == "v1", m
	man = json.loads(blob(m))
	config = json.loads(blob(man["config"]))
	assert man["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json"
	assert len(man["layers"]) == 1
	layer = man["layers"][0]
	assert layer["mediaType"] == "application/vnd.oci.image.layer.v1.tar", layer
	blob(layer)
	assert config["rootfs"] == {"type": "layers", "diff_ids": [layer["digest"]]}, config
	assert config["architecture"] == "amd64" and config["os"] == "linux", config
	assert config["config"]["Entrypoint"][:4] == ["/usr/bin/cairn", "serve", "--bundle", "/model/model.cairn"]
	assert "8080/tcp" in config["config"]["ExposedPorts"]
	assert man["annotations"]["org.opencontainers.image.version"] == "1"
	assert sorted(os.listdir("img/blobs/sha256")) == sorted([m["digest"][7:], man["config"]["digest"][7:], layer["digest"][7:]])
	PY
'

test_expect_success 'the layer holds cairn, its libraries, the loader, the bundle and /etc' '
	tar tvf img/blobs/sha256/$(jq_py "d[\"layer\"]" <oci.json) >layer &&
	awk "{ print \$NF }" layer >names &&
	test_grep "^usr/bin/cairn$" names &&
	test_grep "^model/model.cairn$" names &&
	test_grep "^lib64/ld-linux-x86-64.so.2$" names &&
	test_grep "/libc.so.6$" names &&
	test_grep "/libjansson.so.4$" names &&
	test_grep "/libxgboost.so.0$" names &&
	test_grep "/libgomp.so.1$" names &&
	test_grep "/liblinear.so.4$" names &&
	test_grep "^etc/passwd$" names && test_grep "^etc/group$" names &&
	test_grep "^drwxrwxrwt .* tmp/$" layer &&
	tar xOf img/blobs/sha256/$(jq_py "d[\"layer\"]" <oci.json) model/model.cairn >b.cairn &&
	cairn predict b.cairn --data rows.csv --proba >got && test_cmp expect got
'

test_expect_success 'the same model gives the same image' '
	cairn package iris@1 --oci img2 --tag v1 --json >oci2.json &&
	test "$(jq_py "d[\"manifest\"]" <oci.json)" = "$(jq_py "d[\"manifest\"]" <oci2.json)"
'

test_expect_success 'an existing layout is replaced only with --force, anything else never' '
	test_expect_code 1 cairn package iris@1 --oci img 2>err &&
	test_grep "img. already exists: use --force" err &&
	cairn package iris@1 --oci img --tag v2 --force >out &&
	test_grep "^Wrote the OCI image img:v2: iris@1, " out &&
	test_grep "\"v2\"" img/index.json &&
	mkdir notimg && echo keep >notimg/f &&
	test_expect_code 2 cairn package iris@1 --oci notimg --force 2>err &&
	test_grep "not an OCI image layout" err &&
	test "$(cat notimg/f)" = keep &&
	test_expect_code 2 cairn package iris@1 --oci bad --tag "-x" 2>err &&
	test_grep "invalid image tag" err && test ! -e bad &&
	test -z "$(ls -A . | grep cairn-tmp)"
'

test_expect_success 'package --oci-archive writes the layout as one tar file' '
	cairn package iris@1 --oci-archive image.tar --tag v1 >/dev/null &&
	tar tf image.tar >list &&
	test_grep "^oci-layout$" list && test_grep "^index.json$" list &&
	test_grep "^blobs/sha256/[0-9a-f]{64}$" list &&
	test_expect_code 1 cairn package iris@1 --oci-archive image.tar 2>err &&
	test_grep "already exists" err
'

if test_have skopeo; then
	test_expect_success 'skopeo inspect shows the labels and the entrypoint (layout and archive)' '
		run=$(cat run_id) &&
		for ref in oci:img2:v1 oci-archive:image.tar; do
			skopeo inspect $ref >inspect.json &&
			jq_py "d[\"Labels\"][\"io.cairn.model.ref\"], d[\"Labels\"][\"io.cairn.model.run_id\"] == \"$run\", d[\"Architecture\"], d[\"Os\"]" \
				<inspect.json >got && echo "iris@1 True amd64 linux" >want && test_cmp want got &&
			jq_py "d[\"Labels\"][\"io.cairn.model.data\"]" <inspect.json >got &&
			test_grep "^iris@1=sha256:[0-9a-f]{64}$" got &&
			jq_py "d[\"Labels\"][\"org.opencontainers.image.version\"]" <inspect.json | grep -qx 1 &&
			skopeo inspect --config $ref >config.json &&
			jq_py "\" \".join(d[\"config\"][\"Entrypoint\"])" <config.json >got &&
			echo "/usr/bin/cairn serve --bundle /model/model.cairn --host 0.0.0.0 --port 8080" >want &&
			test_cmp want got || return 1
		done
	'
else
	test_skip 'skopeo inspect shows the labels and the entrypoint' 'skopeo not installed'
fi

if test_have umoci; then
	test_expect_success 'umoci unpacks the image and its rootfs holds the files' '
		umoci unpack --image img2:v1 bundle >/dev/null 2>&1 &&
		test -x bundle/rootfs/usr/bin/cairn &&
		test -f bundle/rootfs/model/model.cairn &&
		test -f bundle/rootfs/lib64/ld-linux-x86-64.so.2 &&
		test -f bundle/rootfs/etc/passwd &&
		test -d bundle/rootfs/tmp &&
		cmp bundle/rootfs/model/model.cairn b.cairn
	'
else
	test_skip 'umoci unpacks the image and its rootfs holds the files' 'umoci not installed'
fi

if ! test_have umoci; then
	test_skip 'the unpacked rootfs predicts under chroot' 'umoci not installed'
elif [ "$(id -u)" != 0 ] || ! test_have chroot; then
	test_skip 'the unpacked rootfs predicts under chroot' 'chroot needs root'
else
	test_expect_success 'the unpacked rootfs predicts under chroot, with no workspace' '
		cp rows.csv bundle/rootfs/tmp/x.csv &&
		(in_rootfs /usr/bin/cairn predict /model/model.cairn --data /tmp/x.csv \
			--proba) >got &&
		test_cmp expect got &&
		test ! -e bundle/rootfs/.cairn && test ! -e bundle/rootfs/tmp/.cairn &&
		test -z "$(ls -A bundle/rootfs/tmp | grep -v x.csv)"
	'
fi

if ! test_have umoci || [ "$(id -u)" != 0 ] || ! test_have curl; then
	test_skip 'the unpacked rootfs serves a request under chroot' 'needs umoci, curl and root'
elif ! cairn serve --help >/dev/null 2>&1; then
	test_skip 'the unpacked rootfs serves a request under chroot' 'this build has no cairn serve'
else
	test_expect_success 'the unpacked rootfs serves a request under chroot' '
		port=$(test_free_port) &&
		{ in_rootfs /usr/bin/cairn serve --bundle /model/model.cairn \
			--host 127.0.0.1 --port $port >serve.log 2>&1 & } &&
		server_pid=$! && echo $server_pid >server_pid &&
		i=0 && until curl -sf http://127.0.0.1:$port/ping >/dev/null; do
			kill -0 $server_pid && i=$((i + 1)) && test $i -lt 600 && sleep 0.1 || exit 1
		done &&
		curl -sf -H "Content-Type: application/json" -d "{\"dataframe_split\": {\"columns\": [\"sepal_length\", \"sepal_width\", \"petal_length\", \"petal_width\"], \"data\": [[5.1, 3.5, 1.4, 0.2]]}}" \
			http://127.0.0.1:$port/invocations >resp.json &&
		jq_py "d[\"predictions\"][0]" <resp.json >got &&
		echo setosa >want && test_cmp want got &&
		kill $server_pid && wait $server_pid
	'
	[ -f "$TRASH/server_pid" ] && server_pid=$(cat "$TRASH/server_pid")
fi

test_done
