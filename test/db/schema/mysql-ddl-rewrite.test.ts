/** The text rewrites of the MySQL/MariaDB schema adapter, on SHOW CREATE output written out by hand. */
import { describe, expect, it } from 'vitest';
import { rewriteCreateTable } from '../../../src/db/schema/mysql/create-table.js';
import { rewriteDefinition, unsafeFunctionWarning } from '../../../src/db/schema/mysql/definitions.js';
import { counterOf } from '../../../src/db/schema/mysql/positions.js';
import { sessionOf, withSession } from '../../../src/db/schema/mysql/session.js';
import { mapSchemaQualifiers } from '../../../src/db/schema/mysql/sql-text.js';
import { orderViews } from '../../../src/db/schema/mysql/view-order.js';

const mapSchema = (db: string) => ({ shop: 'shop_t', crm: 'crm_t' })[db];

// MySQL 8 output, with what a line-unaware split would get wrong: commas, parentheses,
// quotes and backticks inside literals, an identifier with a comma, a functional index.
const ORDERS = `CREATE TABLE \`orders\` (
  \`id\` bigint unsigned NOT NULL AUTO_INCREMENT,
  \`note\` varchar(100) DEFAULT 'a, b), KEY \`x\` (y' COMMENT 'it''s, (really) \`odd\`',
  \`qty\` int NOT NULL,
  \`price\` decimal(10,2) NOT NULL DEFAULT '0.00',
  \`total\` decimal(12,2) GENERATED ALWAYS AS ((\`qty\` * \`price\`)) STORED,
  \`secret\` int DEFAULT NULL /*!80023 INVISIBLE */,
  \`cust\` int NOT NULL,
  \`a,b\` int DEFAULT NULL,
  PRIMARY KEY (\`id\`) USING BTREE,
  UNIQUE KEY \`uq_note\` (\`note\`(20)),
  KEY \`idx_multi\` (\`cust\`,\`qty\` DESC) COMMENT 'by customer, then qty',
  KEY \`idx_fn\` ((lower(\`note\`))),
  CONSTRAINT \`fk_cust\` FOREIGN KEY (\`cust\`) REFERENCES \`customers\` (\`id\`) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT \`fk_account\` FOREIGN KEY (\`cust\`) REFERENCES \`crm\`.\`accounts\` (\`id\`),
  CONSTRAINT \`fk_far\` FOREIGN KEY (\`cust\`) REFERENCES \`elsewhere\`.\`things\` (\`id\`),
  CONSTRAINT \`orders_chk_1\` CHECK ((\`price\` >= 0))
) ENGINE=InnoDB AUTO_INCREMENT=1043 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='AUTO_INCREMENT=5, ENGINE=MyISAM (not options)'`;

describe('rewriteCreateTable', () => {
  it('keeps columns, primary key and CHECK, and moves secondary keys and foreign keys out', () => {
    const t = rewriteCreateTable({ ddl: ORDERS, sourceSchema: 'shop', targetSchema: 'shop_t', autoIncrementColumn: 'id', mapSchema });
    expect(t.table).toBe('orders');
    expect(t.createSql).toBe(`CREATE TABLE IF NOT EXISTS \`shop_t\`.\`orders\` (
  \`id\` bigint unsigned NOT NULL AUTO_INCREMENT,
  \`note\` varchar(100) DEFAULT 'a, b), KEY \`x\` (y' COMMENT 'it''s, (really) \`odd\`',
  \`qty\` int NOT NULL,
  \`price\` decimal(10,2) NOT NULL DEFAULT '0.00',
  \`total\` decimal(12,2) GENERATED ALWAYS AS ((\`qty\` * \`price\`)) STORED,
  \`secret\` int DEFAULT NULL /*!80023 INVISIBLE */,
  \`cust\` int NOT NULL,
  \`a,b\` int DEFAULT NULL,
  PRIMARY KEY (\`id\`) USING BTREE,
  CONSTRAINT \`orders_chk_1\` CHECK ((\`price\` >= 0))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='AUTO_INCREMENT=5, ENGINE=MyISAM (not options)'`);
    expect(t.indexes).toEqual([
      { name: 'uq_note', definition: 'UNIQUE KEY `uq_note` (`note`(20))' },
      { name: 'idx_multi', definition: "KEY `idx_multi` (`cust`,`qty` DESC) COMMENT 'by customer, then qty'" },
      { name: 'idx_fn', definition: 'KEY `idx_fn` ((lower(`note`)))' },
    ]);
    expect(t.foreignKeys).toEqual([
      {
        name: 'fk_cust',
        definition: 'CONSTRAINT `fk_cust` FOREIGN KEY (`cust`) REFERENCES `shop_t`.`customers` (`id`) ON DELETE CASCADE ON UPDATE CASCADE',
        references: { schema: 'shop', table: 'customers' },
        mapped: true,
      },
      { name: 'fk_account', definition: 'CONSTRAINT `fk_account` FOREIGN KEY (`cust`) REFERENCES `crm_t`.`accounts` (`id`)', references: { schema: 'crm', table: 'accounts' }, mapped: true },
      { name: 'fk_far', definition: 'CONSTRAINT `fk_far` FOREIGN KEY (`cust`) REFERENCES `elsewhere`.`things` (`id`)', references: { schema: 'elsewhere', table: 'things' }, mapped: false },
    ]);
    expect(t.notes).toEqual([]);
    expect(t.warnings).toEqual([]);
  });

  it('keeps inline the first plain index an AUTO_INCREMENT column outside the primary key needs', () => {
    const ddl = `CREATE TABLE \`hits\` (
  \`day\` date NOT NULL,
  \`seq\` int(11) NOT NULL AUTO_INCREMENT,
  PRIMARY KEY (\`day\`,\`seq\`),
  FULLTEXT KEY \`ft\` (\`seq\`),
  UNIQUE KEY \`uq_seq\` (\`seq\`,\`day\`),
  KEY \`idx_seq\` (\`seq\`)
) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=latin1`;
    const t = rewriteCreateTable({ ddl, sourceSchema: 'shop', targetSchema: 'shop_t', autoIncrementColumn: 'seq', mapSchema });
    expect(t.createSql).toContain('  PRIMARY KEY (`day`,`seq`),\n  UNIQUE KEY `uq_seq` (`seq`,`day`)\n) ENGINE=InnoDB DEFAULT CHARSET=latin1');
    expect(t.indexes.map((i) => i.name)).toEqual(['ft', 'idx_seq']);
    expect(t.notes).toEqual(['Kept index `uq_seq` in CREATE TABLE: MySQL needs an index on the AUTO_INCREMENT column `seq`.']);
  });

  it('turns an Aria table with a per-group counter into InnoDB, dropping what InnoDB refuses', () => {
    const ddl = `CREATE TABLE \`log\` (
  \`grp\` int(11) NOT NULL,
  \`n\` int(11) NOT NULL AUTO_INCREMENT,
  PRIMARY KEY (\`grp\`,\`n\`)
) ENGINE=Aria AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 PAGE_CHECKSUM=1 ROW_FORMAT=PAGE TRANSACTIONAL=1 DATA DIRECTORY='/srv/data, old/'`;
    const t = rewriteCreateTable({ ddl, sourceSchema: 'shop', targetSchema: 'shop_t', autoIncrementColumn: 'n', mapSchema });
    expect(t.createSql).toBe('CREATE TABLE IF NOT EXISTS `shop_t`.`log` (\n  `grp` int(11) NOT NULL,\n  `n` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`grp`,`n`),\n  KEY `n` (`n`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4');
    expect(t.engine).toBe('Aria');
    expect(t.notes).toEqual([
      'Added index `n` on the AUTO_INCREMENT column: InnoDB requires one.',
      'Storage engine Aria replaced by InnoDB, and its Aria-only table options dropped.',
      'DATA/INDEX DIRECTORY dropped: RDS keeps every table in its own storage.',
    ]);
    expect(t.warnings).toHaveLength(2);
    expect(t.warnings[0]).toMatch(/^Table `shop`\.`log` has its AUTO_INCREMENT column `n` inside a multi-column key/);
    expect(t.warnings[1]).toMatch(/^Table `shop`\.`log` uses the Aria storage engine: promigrate creates it as InnoDB/);
  });
});

describe('rewriteDefinition', () => {
  const objects = new Set(['shop.orders', 'shop.audit', 'shop.v_orders', 'shop.total_of']);
  const qualifiers = { rename: mapSchema, isObject: (db: string, name: string) => objects.has(`${db}.${name}`) };
  const input = (sql: string, extra = {}) => ({ sql, targetSchema: 'shop_t', targetUser: 'admin', qualifiers: { ...qualifiers, ...extra } });

  it('rewrites a view: definer, name, and source-database qualifiers outside literals and aliases', () => {
    const sql =
      "CREATE ALGORITHM=UNDEFINED DEFINER=`app`@`10.0.%` SQL SECURITY DEFINER VIEW `shop`.`v_big` AS select `shop`.`num` AS `num`,'shop.orders' AS `label`,`shop`.`total_of`(`shop`.`num`) AS `t` from (`shop`.`orders` `shop` join `crm`.`accounts` `a`) where `a`.`x` = 1";
    const d = rewriteDefinition('view', input(sql));
    // `shop`.`num` is the alias `shop` and its column; `crm`.`accounts` is not a known object.
    expect(d.sql).toBe(
      "CREATE ALGORITHM=UNDEFINED DEFINER=`admin`@`%` SQL SECURITY DEFINER VIEW `shop_t`.`v_big` AS select `shop`.`num` AS `num`,'shop.orders' AS `label`,`shop_t`.`total_of`(`shop`.`num`) AS `t` from (`shop_t`.`orders` `shop` join `crm`.`accounts` `a`) where `a`.`x` = 1",
    );
    expect(d).toMatchObject({ name: 'v_big', definerWas: '`app`@`10.0.%`', bodyRewritten: true });
  });

  it('rewrites a trigger written with bare qualified names, leaving comments and strings alone', () => {
    const sql = "CREATE DEFINER=`admin`@`%` TRIGGER shop.trg_audit AFTER UPDATE ON shop.orders FOR EACH ROW\n-- copies to shop.audit\nINSERT INTO shop.audit VALUES (OLD.id, 'shop.orders', @shop.x)";
    const d = rewriteDefinition('trigger', input(sql));
    expect(d.sql).toBe("CREATE DEFINER=`admin`@`%` TRIGGER `shop_t`.`trg_audit` AFTER UPDATE ON `shop_t`.`orders` FOR EACH ROW\n-- copies to shop.audit\nINSERT INTO `shop_t`.audit VALUES (OLD.id, 'shop.orders', @shop.x)");
    expect(d.definerWas).toBeUndefined();
  });

  it('qualifies routine and event names, and reads "…" as identifiers under ANSI_QUOTES', () => {
    const proc = rewriteDefinition('procedure', input('CREATE DEFINER=`app`@`localhost` PROCEDURE `p`(IN x INT)\nBEGIN\n  SELECT "shop"."orders".id FROM "shop"."orders";\nEND', { ansiQuotes: true }));
    expect(proc.sql).toBe('CREATE DEFINER=`admin`@`%` PROCEDURE `shop_t`.`p`(IN x INT)\nBEGIN\n  SELECT `shop_t`."orders".id FROM `shop_t`."orders";\nEND');
    // SHOW CREATE writes the header of an ANSI_QUOTES routine in double quotes.
    const ansiHead = rewriteDefinition('procedure', input('CREATE DEFINER="app"@"localhost" PROCEDURE "p"()\nSELECT 1', { ansiQuotes: true }));
    expect(ansiHead).toMatchObject({ sql: 'CREATE DEFINER=`admin`@`%` PROCEDURE `shop_t`.`p`()\nSELECT 1', name: 'p', definerWas: '"app"@"localhost"' });
    const notAnsi = rewriteDefinition('procedure', input('CREATE DEFINER=`app`@`localhost` PROCEDURE `p`()\nSELECT "shop"."orders"'));
    expect(notAnsi.bodyRewritten).toBe(false);
    const event = rewriteDefinition('event', input("CREATE DEFINER=`app`@`localhost` EVENT `ev` ON SCHEDULE EVERY 1 HOUR STARTS '2030-01-01 00:00:00' ON COMPLETION NOT PRESERVE ENABLE DO CALL shop.total_of(1)"));
    expect(event.sql).toBe("CREATE DEFINER=`admin`@`%` EVENT `shop_t`.`ev` ON SCHEDULE EVERY 1 HOUR STARTS '2030-01-01 00:00:00' ON COMPLETION NOT PRESERVE ENABLE DO CALL `shop_t`.total_of(1)");
  });

  it('refuses output it does not recognise rather than guessing', () => {
    expect(() => rewriteDefinition('trigger', input('CREATE DEFINER=`a`@`%` EVENT `e` ON SCHEDULE AT NOW() DO SELECT 1'))).toThrow(/unexpected SHOW CREATE TRIGGER output/);
  });
});

describe('small parts', () => {
  it('warns about a function RDS refuses under binary logging, naming the parameter', () => {
    expect(unsafeFunctionWarning('`shop`.`f`', { deterministic: false, dataAccess: 'CONTAINS SQL' })).toMatch(/^Function `shop`\.`f` declares none of .*log_bin_trust_function_creators = 1/);
    expect(unsafeFunctionWarning('`shop`.`f`', { deterministic: false, dataAccess: 'MODIFIES SQL DATA' })).toBeDefined();
    expect(unsafeFunctionWarning('`shop`.`f`', { deterministic: true, dataAccess: 'MODIFIES SQL DATA' })).toBeUndefined();
    expect(unsafeFunctionWarning('`shop`.`f`', { deterministic: false, dataAccess: 'READS SQL DATA' })).toBeUndefined();
    expect(unsafeFunctionWarning('`shop`.`f`', { deterministic: false, dataAccess: 'NO SQL' })).toBeUndefined();
  });

  it('carries session settings in a leading comment, leaving out what could not be quoted safely', () => {
    const sql = withSession('CREATE EVENT e', { sqlMode: 'ANSI_QUOTES,STRICT_ALL_TABLES', timeZone: '+09:00' });
    expect(sql).toBe("/* session sql_mode='ANSI_QUOTES,STRICT_ALL_TABLES' time_zone='+09:00' */\nCREATE EVENT e");
    expect(sessionOf(sql)).toEqual({ sqlMode: 'ANSI_QUOTES,STRICT_ALL_TABLES', timeZone: '+09:00' });
    expect(withSession('CREATE EVENT e', { sqlMode: '', timeZone: 'SYSTEM' })).toBe("/* session sql_mode='' */\nCREATE EVENT e");
    expect(withSession('CREATE EVENT e', { timeZone: "x' */ DROP" })).toBe('CREATE EVENT e');
    expect(sessionOf('CREATE EVENT e')).toEqual({});
  });

  it('orders views after the views they read', () => {
    const v = (name: string, sql: string) => ({ schema: 'shop', name, sql });
    const ordered = orderViews([
      v('a', 'CREATE VIEW `shop`.`a` AS select 1 from `shop`.`b`'),
      v('b', 'CREATE VIEW `shop`.`b` AS select 1 from `shop`.`c` join `shop`.`orders`'),
      v('c', 'CREATE VIEW `shop`.`c` AS select 1'),
      v('d', "CREATE VIEW `shop`.`d` AS select 'shop.a' AS `x`"),
    ]);
    expect(ordered.map((x) => x.name)).toEqual(['c', 'b', 'a', 'd']);
  });

  it('reads the AUTO_INCREMENT table option, not a look-alike inside a comment', () => {
    expect(counterOf(ORDERS)).toBe(1043n);
    expect(counterOf("CREATE TABLE `t` (\n  `id` int NOT NULL AUTO_INCREMENT\n) ENGINE=InnoDB COMMENT='AUTO_INCREMENT=9'")).toBeUndefined();
  });

  it('leaves system variables and the second part of a chain alone', () => {
    const mapping = { rename: (db: string) => (db === 'session' || db === 'shop' ? `${db}_t` : undefined) };
    expect(mapSchemaQualifiers('SELECT @@session.sql_mode, x.shop.y, shop.y, `shop`.`y`', mapping)).toBe('SELECT @@session.sql_mode, x.shop.y, `shop_t`.y, `shop_t`.`y`');
  });
});
