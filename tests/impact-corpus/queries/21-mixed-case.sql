-- expect: rewritable
select Account_ID, NAME
from Accounts
where Score is not null
