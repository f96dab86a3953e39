# The diabetes data as a binary task: "high" when progression is above
# 140, the sex column's codes (1, 2) as the groups sex1 and sex2.
NR == 1 { print "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,high"; next }
{
	printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", $1, ($2 == 1 ? "sex1" : "sex2"),
	       $3, $4, $5, $6, $7, $8, $9, $10, ($11 > 140 ? "yes" : "no")
}
