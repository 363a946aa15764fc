-- promigrate demo shop, schema v1: the HYBRID-BTS shop (../shared/samples/hybridbts-mysql.sql)
-- translated to PostgreSQL with the operators' types (regist_day is text, members.id is not
-- unique), plus the shop around it. Data is inserted after this file and before
-- shop-finish.v1.sql (trigger, indexes, view), so loading does not fire the trigger.
-- Versioned data: never edit in place; a change is shop-schema.v2.sql.

CREATE TABLE members (
  num        serial PRIMARY KEY,
  id         char(15) NOT NULL,
  pass       char(15) NOT NULL,
  name       char(10) NOT NULL,
  email      char(80) NULL,
  regist_day char(20) NULL,
  level      integer NULL,
  point      integer NULL
);

CREATE TABLE board (
  num         serial PRIMARY KEY,
  id          char(15) NOT NULL,
  name        char(10) NOT NULL,
  subject     char(200) NOT NULL,
  content     text NOT NULL,
  regist_day  char(20) NOT NULL,
  hit         integer NOT NULL,
  file_name   char(40) NULL,
  file_type   char(40) NULL,
  file_copied char(40) NULL
);

-- The members are the shop's customers; one or more shipping addresses each.
CREATE TABLE addresses (
  id          serial PRIMARY KEY,
  member_num  integer NOT NULL REFERENCES members (num),
  label       varchar(20) NOT NULL,
  recipient   varchar(40) NOT NULL,
  line1       varchar(200) NOT NULL,
  city        varchar(60) NOT NULL,
  postal_code varchar(10) NOT NULL,
  country     char(2) NOT NULL DEFAULT 'KR',
  is_default  boolean NOT NULL DEFAULT false
);

CREATE TABLE products (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku         varchar(32) NOT NULL UNIQUE,
  name        varchar(200) NOT NULL,
  price       numeric(10,2) NOT NULL,
  stock       integer NOT NULL DEFAULT 0,
  tags        text[] NOT NULL DEFAULT '{}',
  description text,
  image       bytea,
  created_at  timestamptz NOT NULL
);

CREATE TABLE orders (
  id         bigserial PRIMARY KEY,
  member_num integer NOT NULL REFERENCES members (num),
  address_id integer REFERENCES addresses (id),
  -- Text, not ENUM/INET: the app came from MySQL, and DMS migrates neither ENUM nor INET.
  status     varchar(12) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled', 'refunded')),
  client_ip  varchar(45),
  created_at timestamptz NOT NULL,
  total      numeric(12,2) NOT NULL DEFAULT 0
);

CREATE TABLE order_items (
  order_id   bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id bigint NOT NULL REFERENCES products (id),
  quantity   integer NOT NULL CHECK (quantity > 0),
  unit_price numeric(10,2) NOT NULL,
  PRIMARY KEY (order_id, product_id)
);

-- The web tier's request log: no primary key and no unique key (and a few rows logged twice),
-- as such logs are; DMS needs REPLICA IDENTITY FULL or a key to replicate its updates/deletes.
CREATE TABLE access_log (
  logged_at timestamptz NOT NULL,
  member_id char(15),
  method    varchar(8) NOT NULL,
  path      varchar(400) NOT NULL,
  status    smallint NOT NULL,
  payload   jsonb
);
