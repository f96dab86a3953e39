# Shared setup of the prediction log's e2e tests (sourced after lib.sh).
#   predictions_setup   a workspace with iris and a logistic model of it
#                       registered as iris@1; req.json holds one row to
#                       predict (MLflow's dataframe_records)
predictions_setup() {
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null &&
	cairn train --data iris --target species --algo logistic --json >train.json &&
	cairn models register iris --run $(jq_py "d[\"run_id\"]" <train.json) >/dev/null &&
	echo '{"dataframe_records": [{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]}' >req.json
}
