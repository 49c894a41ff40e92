-- expect: unaffected: does not read accounts-v1
SELECT order_id, total FROM orders
