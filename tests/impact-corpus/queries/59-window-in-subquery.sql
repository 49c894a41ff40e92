-- expect: rewritable
SELECT *
FROM (SELECT account_id, name, rank() OVER (ORDER BY amount DESC, account_id) AS r FROM accounts) ranked
WHERE r <= 3
