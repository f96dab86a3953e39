/*
 * Embedding libcairn in a C++ program: the same steps as embed.c (a
 * workspace, a dataset version from a CSV file, a model trained as a tracked
 * run, its metrics read back, predictions of the saved model), with the
 * library's handles owned by std::unique_ptr and its errors thrown.
 *
 * usage: embed-cpp CSV TARGET [DIR]
 *   DIR (created when missing; default: a new temporary directory, kept)
 *   holds the workspace, so `cairn -C DIR runs list` shows the run after.
 *
 * Build against an installed libcairn:
 *   g++ -std=c++11 embed.cpp $(pkg-config --cflags --libs cairn) -o embed-cpp
 */
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
#include <sys/stat.h>
#include <unistd.h>
#include <cairn/buf.h>
#include <cairn/ctx.h>
#include <cairn/dataset.h>
#include <cairn/frame.h>
#include <cairn/model.h>
#include <cairn/run.h>
#include <cairn/train.h>
#include <cairn/workspace.h>

namespace {

struct ctx_deleter { void operator()(cairn_ctx *c) const { cairn_ctx_free(c); } };
struct model_deleter { void operator()(cairn_model *m) const { cairn_model_free(m); } };
struct frame_deleter { void operator()(cairn_frame *f) const { cairn_frame_free(f); } };
struct json_deleter { void operator()(json_t *j) const { json_decref(j); } };
struct free_deleter { void operator()(double *p) const { std::free(p); } };

using ctx_ptr = std::unique_ptr<cairn_ctx, ctx_deleter>;
using json_ptr = std::unique_ptr<json_t, json_deleter>;

/* Throws the context's message when a libcairn call failed. */
void check(cairn_ctx *ctx, int rc)
{
	if (rc)
		throw std::runtime_error(cairn_errmsg(ctx));
}

/* The name of the dataset: the file's base name without its extension. */
std::string dataset_name(const std::string &path)
{
	std::string base = path.substr(path.find_last_of('/') + 1);
	return base.substr(0, base.find('.'));
}

/* A dataset version, released when it goes out of scope. */
struct dataset_version : cairn_dataset_version {
	dataset_version() : cairn_dataset_version() {}
	~dataset_version() { cairn_dataset_version_release(this); }
	dataset_version(const dataset_version &) = delete;
	dataset_version &operator=(const dataset_version &) = delete;
};

/* The text of one cell of a frame. */
std::string cell_text(const cairn_frame *f, size_t row, size_t col)
{
	cairn_buf b;
	cairn_buf_init(&b);
	cairn_frame_cell_text(f, row, col, &b);
	std::string s(b.buf, b.len);
	cairn_buf_release(&b);
	return s;
}

void embed(const std::string &csv, const std::string &target, const std::string &dir)
{
	ctx_ptr holder(cairn_ctx_new());
	cairn_ctx *ctx = holder.get();
	if (!ctx)
		throw std::bad_alloc();

	cairn_init_result init;
	check(ctx, cairn_workspace_init(ctx, dir.c_str(), 0, &init));
	std::printf("workspace %s\n", cairn_workspace_root(ctx));

	std::string name = dataset_name(csv);
	cairn_dataset_add add = cairn_dataset_add();
	add.name = name.c_str();
	add.source = csv.c_str();
	add.source_kind = "file";
	add.csv.header = -1;
	add.tabular = 1;
	dataset_version v;
	int existed;
	check(ctx, cairn_dataset_add_file(ctx, csv.c_str(), &add, &v, &existed));
	std::printf("dataset %s@%lld: %lld rows, %lld columns\n", v.name, (long long)v.version,
		    (long long)v.rows, (long long)v.cols);

	cairn_train_options opts = cairn_train_options();
	opts.data = name.c_str();
	opts.target = target.c_str();
	opts.algo = "knn";
	opts.test_split = 0.2;
	opts.seed = 42;
	opts.task = -1;
	opts.name = "embed-cpp";
	opts.experiment = "embed";
	cairn_train_result res = cairn_train_result();
	int rc = cairn_train(ctx, &opts, &res);
	json_ptr train_metrics(res.metrics);
	check(ctx, rc);
	std::printf("run %s\n", res.run_id);

	json_t *raw = nullptr;
	check(ctx, cairn_run_show(ctx, res.run_id, &raw));
	json_ptr run(raw);
	json_t *accuracy = json_object_get(json_object_get(run.get(), "metrics"),
					   "test_accuracy");
	if (!json_is_number(accuracy))
		throw std::runtime_error("run " + std::string(res.run_id) +
					 " has no metric test_accuracy");
	std::printf("status %s\n", json_string_value(json_object_get(run.get(), "status")));
	std::printf("test_accuracy %.4f\n", json_number_value(accuracy));

	cairn_model *m = nullptr;
	check(ctx, cairn_model_open(ctx, res.run_id, &m));
	std::unique_ptr<cairn_model, model_deleter> model(m);
	cairn_frame *f = nullptr;
	check(ctx, cairn_frame_load(ctx, csv.c_str(), nullptr, nullptr, &f));
	std::unique_ptr<cairn_frame, frame_deleter> frame(f);
	size_t target_col;
	check(ctx, cairn_frame_need_col(ctx, f, target.c_str(), &target_col));

	const size_t npredict = 3;
	std::vector<size_t> rows;
	for (size_t i = 0; i < npredict; i++)
		rows.push_back(i * f->nrows / npredict);
	double *raw_out = nullptr;
	size_t noutputs = 0;
	check(ctx, cairn_model_predict(ctx, m, f, rows.data(), rows.size(), &raw_out, &noutputs));
	std::unique_ptr<double, free_deleter> out(raw_out);

	/* Class c is the c-th of the training labels in sorted order (model.h
	 * does not name them yet). */
	const json_t *flavor = json_object_get(json_object_get(cairn_model_manifest(m), "flavors"),
					       "cairn");
	std::printf("model %s, %zu outputs per row\n",
		    json_string_value(json_object_get(flavor, "task")), noutputs);
	for (size_t i = 0; i < rows.size(); i++) {
		const double *p = out.get() + i * noutputs;
		size_t best = 0;
		for (size_t c = 1; c < noutputs; c++)
			if (p[c] > p[best])
				best = c;
		std::printf("row %zu: %s, predicted class %zu (p=%.2f)\n", rows[i],
			    cell_text(f, rows[i], target_col).c_str(), best, p[best]);
	}
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		std::fprintf(stderr, "usage: embed-cpp CSV TARGET [DIR]\n");
		return 2;
	}
	std::string dir;
	if (argc == 4) {
		dir = argv[3];
		mkdir(dir.c_str(), 0777); /* an existing one is fine */
	} else {
		char tmp[] = "/tmp/cairn-embed-XXXXXX";
		if (!mkdtemp(tmp)) {
			std::perror("embed-cpp: mkdtemp");
			return 1;
		}
		dir = tmp;
	}
	try {
		embed(argv[1], argv[2], dir);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "embed-cpp: %s\n", e.what());
		return 1;
	}
	return 0;
}
