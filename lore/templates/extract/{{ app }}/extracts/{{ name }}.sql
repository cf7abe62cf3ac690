-- The {{ name }} extract: lore.io.main.dataframe("{{ name }}", limit=100).
-- Replace it with your query; the limit is sent as a bound parameter.
SELECT
  first_name,
  has_subscription
FROM users
ORDER BY id
LIMIT %(limit)s
