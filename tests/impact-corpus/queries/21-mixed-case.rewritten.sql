-- expect: rewritable
select Account_ID, full_name AS NAME
from accounts_v2
where CAST(Score AS STRING) is not null
