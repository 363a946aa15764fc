// Data for the verify benchmark (bench/verify-compare.js): a realistic orders-like table of N
// rows in a source database, an exact copy in a target database, and 12 seeded differences on
// the target (plus one change below FLOAT precision that must NOT be reported). Generated
// server-side from MariaDB's sequence engine, so nothing of the table passes through Node.
import { createConnection } from 'mysql2/promise';

export const TABLE = 'orders';

/** The 12 differences: the key, what the comparison must call it, and the statement on the target. */
export function seededDifferences(rows) {
  const at = (f) => Math.max(2, Math.min(rows - 1, Math.round(rows * f)));
  const gap = at(0.7);
  const nullKey = Math.max(5, Math.floor(at(0.25) / 5) * 5);
  const d = [
    { key: at(0.123457), kind: 'changed', about: 'changed DECIMAL value', sql: (k) => `UPDATE ${TABLE} SET amount = amount + 0.01 WHERE id = ${k}` },
    // Every 5th note is NULL on the source: one becomes '', its neighbour's value becomes NULL.
    { key: nullKey, kind: 'changed', about: "NULL vs ''", sql: (k) => `UPDATE ${TABLE} SET note = '' WHERE id = ${k}` },
    { key: nullKey + 1, kind: 'changed', about: 'value vs NULL', sql: (k) => `UPDATE ${TABLE} SET note = NULL WHERE id = ${k}` },
    { key: 1, kind: 'missing', about: 'missing first row', sql: (k) => `DELETE FROM ${TABLE} WHERE id = ${k}` },
    { key: rows, kind: 'missing', about: 'missing last row', sql: (k) => `DELETE FROM ${TABLE} WHERE id = ${k}` },
    { key: rows + 1, kind: 'extra', about: 'extra row after the last key', sql: (k) => `INSERT INTO ${TABLE} VALUES (${k}, 'SKU-extra', 1.00, '2024-01-01 00:00:00', 'extra', NULL, 1)` },
    { key: gap, kind: 'extra', about: 'extra row in a key gap', sql: (k) => `INSERT INTO ${TABLE} VALUES (${k}, 'SKU-gap', 2.00, '2024-01-01 00:00:00', 'gap', 'g', 2)` },
    { key: at(0.333333), kind: 'changed', about: 'FLOAT beyond its precision (4th digit)', sql: (k) => `UPDATE ${TABLE} SET score = score * 1.001 + 1 WHERE id = ${k}` },
    { key: at(0.444444), kind: 'changed', about: 'trailing space', sql: (k) => `UPDATE ${TABLE} SET code = CONCAT(code, ' ') WHERE id = ${k}` },
    { key: at(0.555555), kind: 'changed', about: 'case change under a _ci collation', sql: (k) => `UPDATE ${TABLE} SET body = CONCAT(UPPER(LEFT(body, 1)), SUBSTRING(body, 2)) WHERE id = ${k}` },
    { key: at(0.666666), kind: 'changed', about: 'DATETIME one second later', sql: (k) => `UPDATE ${TABLE} SET created = created + INTERVAL 1 SECOND WHERE id = ${k}` },
    { key: at(0.777777), kind: 'changed', about: 'TEXT changed in its last byte', sql: (k) => `UPDATE ${TABLE} SET body = CONCAT(LEFT(body, CHAR_LENGTH(body) - 1), '#') WHERE id = ${k}` },
  ];
  return { differences: d, gap, noise: { key: at(0.888888), about: 'FLOAT changed below its 6 significant digits (not a difference)' } };
}

const DDL = `(
  id INT NOT NULL PRIMARY KEY,
  code VARCHAR(40) NOT NULL,
  amount DECIMAL(12,2) NOT NULL,
  created DATETIME NOT NULL,
  body TEXT NOT NULL,
  note VARCHAR(100) NULL,
  score FLOAT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`;

/** Creates `source`.orders with `rows` rows (id 1..rows, one gap), `target`.orders as a copy, then diverges the target. */
export async function generatePair(server, { source, target, rows }) {
  const conn = await createConnection({ host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword, multipleStatements: true });
  const { differences, gap, noise } = seededDifferences(rows);
  try {
    await conn.query(`SET SESSION time_zone = '+00:00'; CREATE DATABASE ${source}; CREATE DATABASE ${target}; CREATE TABLE ${source}.${TABLE} ${DDL}; CREATE TABLE ${target}.${TABLE} ${DDL}; USE ${source}`);
    const step = 1_000_000;
    for (let from = 1; from <= rows; from += step) {
      const to = Math.min(rows, from + step - 1);
      // Deterministic values from the id: ~40–150 byte bodies, every 5th note NULL, floats with 7 digits.
      await conn.query(`INSERT INTO ${source}.${TABLE}
        SELECT seq, CONCAT('SKU-', LPAD(seq * 7 % 100000000, 8, '0')), (seq * 7919 % 10000000) / 100,
               TIMESTAMP('2019-01-01') + INTERVAL (seq * 37 % 157680000) SECOND,
               CONCAT('order ', seq, ': ', REPEAT(SUBSTRING('lorem ipsum dolor sit amet, consectetur adipiscing elit ', 1 + seq % 23), 1 + seq % 3)),
               IF(seq % 5 = 0, NULL, CONCAT('note ', seq % 977)), seq / 7
          FROM seq_${from}_to_${to} WHERE seq <> ${gap}`);
    }
    // The noise row: 1234.5678 here, 1234.5679 on the target — both 1234.57 at 6 significant digits.
    await conn.query(`UPDATE ${source}.${TABLE} SET score = 1234.5678 WHERE id = ${noise.key}`);
    await conn.query(`INSERT INTO ${target}.${TABLE} SELECT * FROM ${source}.${TABLE}`);
    await conn.query(`USE ${target}`);
    for (const d of differences) await conn.query(d.sql(d.key));
    await conn.query(`UPDATE ${TABLE} SET score = 1234.5679 WHERE id = ${noise.key}`);
  } finally {
    await conn.end();
  }
  return { differences, noise };
}
