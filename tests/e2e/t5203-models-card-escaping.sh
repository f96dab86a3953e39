#!/bin/bash
# cairn models card escapes every string it did not write itself: column
# names, class labels and tags holding markup (<, &, quotes, |) reach the
# HTML card as text, never as tags, and keep the Markdown card's tables in
# shape.
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: data whose column names and labels are markup' '
	python3 - <<-\EOF &&
	import csv, random
	random.seed(3)
	with open("hostile.csv", "w", newline="") as f:
	    w = csv.writer(f)
	    w.writerow(["x<script>alert(1)</script>", "y&amp;\"q\x27|*_[z]", "label"])
	    for i in range(120):
	        x, y = random.random(), random.random()
	        w.writerow([x, y, "<b>yes</b>" if x + y > 1 else "no & \"maybe\""])
	EOF
	cairn init >/dev/null &&
	cairn data add hostile.csv --name hostile >/dev/null &&
	cairn data split hostile --ratios 0.75,0.25 --seed 5 >/dev/null &&
	cairn train --data hostile-train --test hostile-test --target label --algo logistic \
		--json >train.json 2>/dev/null &&
	jq_py "d[\"run_id\"]" <train.json >run_id &&
	cairn runs tag $(cat run_id) "limitations=<img src=x onerror=alert(2)> & more" \
		"intended_use=# not a heading <script>alert(3)</script>" >/dev/null
'

test_expect_success 'the HTML card holds no tag from the data, only its text' '
	cairn models card $(cat run_id) --format html --by label >card.html &&
	! grep -i "<script\|<img\|<b>yes" card.html &&
	test_grep "x&lt;script&gt;alert\(1\)&lt;/script&gt;" card.html &&
	test_grep "&lt;b&gt;yes&lt;/b&gt;" card.html &&
	test_grep "y&amp;amp;&quot;q&apos;\|\*_\[z\]" card.html
'

test_expect_success 'parsed, the HTML card gives back every string as text' '
	python3 - <<-\EOF
	from html.parser import HTMLParser
	class P(HTMLParser):
	    def __init__(self):
	        super().__init__(convert_charrefs=True)
	        self.text, self.tags = [], set()
	    def handle_starttag(self, tag, attrs):
	        self.tags.add(tag)
	    def handle_data(self, data):
	        self.text.append(data)
	p = P()
	p.feed(open("card.html").read())
	text = "\n".join(p.text)
	for s in ["x<script>alert(1)</script>", "y&amp;\"q\x27|*_[z]", "<b>yes</b>",
	          "no & \"maybe\"", "<img src=x onerror=alert(2)> & more",
	          "# not a heading <script>alert(3)</script>"]:
	    assert s in text, s
	assert not p.tags & {"script", "img", "b"}, p.tags
	EOF
'

test_expect_success 'the Markdown card escapes markup, and its tables keep their columns' '
	cairn models card $(cat run_id) --by label >card.md &&
	! grep "<script\|<img\|<b>" card.md &&
	test_grep "^\| x&lt;script&gt;alert\(1\)&lt;/script&gt; \| float \|$" card.md &&
	test_grep "^\| y&amp;amp;\"q.\\\\\|\\\\\*\\\\_\\\\\[z\\\\\] \| float \|$" card.md &&
	test_grep "^\\\\# not a heading &lt;script&gt;" card.md &&
	python3 - <<-\EOF
	import re
	# Every row of a table has as many unescaped | as its header.
	want = None
	for line in open("card.md"):
	    if not line.startswith("|"):
	        want = None
	        continue
	    n = len(re.findall(r"(?<!\\)\|", line))
	    if want is None:
	        want = n
	    assert n == want, line
	EOF
'

test_done
