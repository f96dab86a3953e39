#!/bin/bash
# A solver stopped by its iteration limit before converging (L-BFGS of
# multinomial logistic, liblinear's solvers) is a warning on stderr and the
# run's tag converged=false, not silence; a converged fit is tagged true.
. "$(dirname "$0")/lib.sh"

# converged_tag RUN: the run's tag converged.
converged_tag() {
	cairn runs show $1 --json | jq_py "d[\"tags\"].get(\"converged\")"
}

test_expect_success 'setup' '
	cairn init >/dev/null &&
	cairn data add "$DATASETS/iris.csv" >/dev/null
'

test_expect_success 'multinomial logistic out of iterations: a warning and converged=false' '
	cairn train --data iris --target species --algo logistic --param max_iter=3 \
		--json >out.json 2>err &&
	test_grep "warn: multinomial logistic did not converge in 3 iterations" err &&
	test "$(converged_tag $(jq_py "d[\"run_id\"]" <out.json))" = false
'

test_expect_success 'liblinear at its iteration limit: a warning and converged=false' '
	cairn train --data iris --target species --algo linear_svm --param C=1000 \
		--param eps=1e-12 --json >out.json 2>err &&
	test_grep "warn: linear_svm did not converge: liblinear stopped at its iteration limit" err &&
	test "$(converged_tag $(jq_py "d[\"run_id\"]" <out.json))" = false
'

test_expect_success 'a fit that converges says nothing and is tagged converged=true' '
	cairn train --data iris --target species --algo logistic --json >out.json 2>err &&
	! grep "did not converge" err &&
	test "$(converged_tag $(jq_py "d[\"run_id\"]" <out.json))" = true &&
	cairn train --data iris --target species --algo linear_svm --json >out.json 2>err &&
	! grep "did not converge" err &&
	test "$(converged_tag $(jq_py "d[\"run_id\"]" <out.json))" = true
'

test_expect_success 'a fold that does not converge is enough for converged=false' '
	cairn train --data iris --target species --algo logistic --param max_iter=3 --cv 3 \
		--json >out.json 2>err &&
	test $(grep -c "did not converge" err) -eq 4 &&
	test "$(converged_tag $(jq_py "d[\"run_id\"]" <out.json))" = false
'

test_done
