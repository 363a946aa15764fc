-- promigrate demo shop, v1: what comes after the data (see shop-schema.v1.sql).

CREATE INDEX orders_member_idx ON orders (member_num);
CREATE INDEX order_items_product_idx ON order_items (product_id);
CREATE INDEX access_log_logged_at_idx ON access_log (logged_at);

CREATE VIEW order_totals AS
  SELECT o.id, o.member_num, sum(i.quantity * i.unit_price) AS total
  FROM orders o JOIN order_items i ON i.order_id = o.id
  GROUP BY o.id, o.member_num;

CREATE FUNCTION recalc_order_total() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE orders SET total = (SELECT coalesce(sum(quantity * unit_price), 0) FROM order_items WHERE order_id = NEW.order_id)
  WHERE id = NEW.order_id;
  RETURN NEW;
END
$$;

CREATE TRIGGER order_items_total AFTER INSERT OR UPDATE ON order_items
  FOR EACH ROW EXECUTE FUNCTION recalc_order_total();

-- Explicit keys were inserted: move the sequences past them.
SELECT setval(pg_get_serial_sequence('members', 'num'), (SELECT max(num) FROM members));
SELECT setval(pg_get_serial_sequence('board', 'num'), (SELECT max(num) FROM board));
SELECT setval(pg_get_serial_sequence('addresses', 'id'), (SELECT max(id) FROM addresses));
SELECT setval(pg_get_serial_sequence('products', 'id'), (SELECT max(id) FROM products));
SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT max(id) FROM orders));

-- Row estimates for the inventory (it reads pg_class.reltuples, not count(*)).
ANALYZE;
