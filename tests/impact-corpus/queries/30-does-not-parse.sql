-- expect: needs-person: does not parse
SELEC name FROM accounts
