-- expect: rewritable
CREATE TABLE tmp_names AS
SELECT account_id, full_name AS name FROM accounts_v2
