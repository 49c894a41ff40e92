-- expect: rewritable
SELECT CASE WHEN CAST(score AS STRING) = '100' THEN 'top' ELSE 'rest' END AS band, count(*) AS n
FROM accounts_v2
GROUP BY 1
