-- expect: rewritable
CREATE TABLE tmp_names AS
SELECT account_id, name FROM accounts
