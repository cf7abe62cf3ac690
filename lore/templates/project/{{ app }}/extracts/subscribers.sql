-- Who subscribes, by first name. The limit is sent as a bound parameter.
SELECT
  first_name,
  has_subscription
FROM users
ORDER BY id
LIMIT %(limit)s
