-- expect: rewritable
SELECT CASE WHEN score = '100' THEN 'top' ELSE 'rest' END AS band, count(*) AS n
FROM accounts
GROUP BY 1
