/**
 * The MySQL/MariaDB schema adapter against a real MariaDB: the rich HYBRID-BTS fixture as the
 * source database, and target databases on the same server under other names (as the
 * sandbox maps a source database onto a stand-in target).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mysqlSchema } from '../../../src/db/schema/mysql/index.js';
import { ALWAYS_APPLIED, objectKey, type DdlStatement, type SchemaPlan, type SchemaSelection, type SchemaSnapshot, type SchemaTarget } from '../../../src/db/schema/types.js';
import { adminConnection, mariadbSpec } from '../../helpers/db/mariadb.js';

const FIXTURE = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'sql', 'schema-rich-mysql.sql'), 'utf8');
const TABLES = ['board', 'legacy_log', 'members', 'replies', 'shops', 'visits'];

describe('MySQL/MariaDB target schema: extract, apply, snapshot', () => {
  const server = inject('mariadb');
  const suffix = randomBytes(4).toString('hex');
  const SRC = `s_${suffix}`;
  /** Built with every phase and the positions. */
  const TGT = `t_${suffix}`;
  /** Built with pre-data and the rows only. */
  const BARE = `u_${suffix}`;
  const OWNER = `owner_${suffix}`;
  const spec = (database: string) => mariadbSpec(server, { database });
  const connect = async (database: string) => spec(database);
  const selection = (target: string): SchemaSelection => ({
    tables: TABLES.map((table) => ({ schema: SRC, table })),
    databases: [SRC],
    targetUser: server.adminUser,
    targetSchema: (s) => (s === SRC ? target : s),
  });

  let admin: Connection;
  let plan: SchemaPlan;
  let source: SchemaSnapshot;
  const phase = (p: DdlStatement['phase'], of: SchemaPlan = plan) => of.statements.filter((s) => s.phase === p);
  const sqlOf = (id: string) => plan.statements.find((s) => s.id === id)?.sql ?? '';

  /** INSERT … SELECT of every table, as the full load would (generated columns are computed). */
  async function copyRows(target: string) {
    const [cols] = await admin.query<RowDataPacket[]>(
      "SELECT TABLE_NAME AS t, GROUP_CONCAT(CONCAT('`', COLUMN_NAME, '`') ORDER BY ORDINAL_POSITION) AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?) AND EXTRA NOT LIKE '%GENERATED%' GROUP BY TABLE_NAME",
      [SRC, TABLES],
    );
    for (const { t, c } of cols) await admin.query(`INSERT INTO \`${target}\`.\`${t}\` (${c}) SELECT ${c} FROM \`${SRC}\`.\`${t}\``);
  }

  async function apply(target: SchemaTarget, statements: DdlStatement[]) {
    for (const s of statements) await target.execute(s);
  }

  beforeAll(async () => {
    admin = await adminConnection(server);
    await admin.query(
      `CREATE USER '${OWNER}'@'localhost'; CREATE DATABASE \`${SRC}\`; GRANT ALL ON \`${SRC}\`.* TO '${OWNER}'@'localhost'; USE \`${SRC}\`; ${FIXTURE.replaceAll('`shop_owner`', `\`${OWNER}\``)}`,
    );
    plan = await mysqlSchema.extract(spec(SRC), selection(TGT));
    source = await mysqlSchema.snapshot(connect, selection(TGT), 'source');
  });

  afterAll(async () => {
    // Targets first: a foreign key of theirs may point into the source database.
    await admin?.query(`DROP DATABASE IF EXISTS \`${TGT}\`; DROP DATABASE IF EXISTS \`${BARE}\`; DROP DATABASE IF EXISTS \`${SRC}\`; DROP USER IF EXISTS '${OWNER}'@'localhost'`);
    await admin?.end();
  });

  it('extracts the statements phase by phase, dependencies first, in the target database', () => {
    const t = (k: string) => `${k.split(' ')[0]} ${TGT}.${k.split(' ')[1]}`;
    expect(plan.engine).toBe('mariadb');
    expect(plan.statements.map((s) => s.id)).toEqual([
      `pre-data/database ${TGT}.${TGT}`,
      ...TABLES.map((table) => `pre-data/${t(`table ${table}`)}`),
      // Routines before views: a view calling a function needs the function; nothing checks a routine's body.
      `pre-data/${t('procedure add_points')}`,
      `pre-data/${t('procedure member_label')}`,
      `pre-data/${t('function member_points')}`,
      `pre-data/${t('function slug')}`,
      // v_busy_posts reads v_post_stats: alphabetical order would be wrong.
      `pre-data/${t('view v_post_stats')}`,
      `pre-data/${t('view v_busy_posts')}`,
      ...[
        'board.idx_board_subject',
        'board.idx_board_day_hit',
        'board.fk_board_member',
        'board.ft_board_text',
        'legacy_log.idx_legacy_log_at',
        'members.uq_members_email',
        'members.idx_members_id',
        'replies.idx_replies_board',
        'shops.sp_shops_location',
        'visits.idx_visits_at',
      ].map((i) => `post-load/${t(`index ${i}`)}`),
      `cutover/${t('foreign-key board.fk_board_member')}`,
      `cutover/${t('foreign-key replies.fk_replies_board')}`,
      `cutover/${t('trigger board.trg_board_defaults')}`,
      `cutover/${t('event ev_purge_log')}`,
    ]);
    for (const s of plan.statements) {
      expect(s.id).toBe(`${s.phase}/${objectKey(s.object)}`);
      expect(s.database).toBe(TGT);
      expect(s.sql).not.toMatch(new RegExp(`\`${SRC}\``));
    }
  });

  it('creates tables with columns, defaults, primary key and CHECK only: no counter, secondary key or foreign key', () => {
    const tables = phase('pre-data').filter((s) => s.object.kind === 'table');
    for (const s of tables) {
      expect(s.sql).toMatch(new RegExp(`^CREATE TABLE IF NOT EXISTS \`${TGT}\`\\.\`${s.object.name}\` \\(`));
      expect(s.sql).not.toMatch(/AUTO_INCREMENT=|FOREIGN KEY|FULLTEXT|SPATIAL|UNIQUE KEY/);
    }
    const board = sqlOf(`pre-data/table ${TGT}.board`);
    expect(board).toContain("`tag` varchar(60) NOT NULL DEFAULT 'misc, \"other\" & O''Brien''s (draft)',");
    expect(board).toContain("`hit` int(11) NOT NULL DEFAULT 0 COMMENT 'Hits, views, and `reads`, (never negative)',");
    expect(board).toContain('`created_at` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),');
    expect(board).toContain('`subject_len` int(11) GENERATED ALWAYS AS (char_length(`subject`)) VIRTUAL,');
    expect(board).toContain('PRIMARY KEY (`num`),\n  CONSTRAINT `chk_board_hit` CHECK (`hit` >= 0)\n)');
    expect(board).not.toMatch(/\n {2}KEY /);
    // The AUTO_INCREMENT column seq is not the primary key's first column: its index stays.
    expect(sqlOf(`pre-data/table ${TGT}.visits`)).toMatch(/PRIMARY KEY \(`member_num`,`visited_at`\),\n {2}KEY `idx_visits_seq` \(`seq`\)\n\)/);
    const legacy = plan.statements.find((s) => s.id === `pre-data/table ${TGT}.legacy_log`)!;
    expect(legacy.sql).toMatch(/\) ENGINE=InnoDB DEFAULT CHARSET=latin1/);
    expect(legacy.notes).toEqual(['Storage engine MyISAM replaced by InnoDB.']);
    expect(plan.warnings.filter((w) => w.includes('MyISAM'))).toEqual([expect.stringContaining(`Table \`${SRC}\`.\`legacy_log\` uses the MyISAM storage engine`)]);
    expect(sqlOf(`post-load/index ${TGT}.visits.idx_visits_at`)).toBe(`ALTER TABLE \`${TGT}\`.\`visits\` ADD KEY \`idx_visits_at\` (\`visited_at\`) USING BTREE COMMENT 'reports, by day'`);
    expect(sqlOf(`post-load/index ${TGT}.board.idx_board_subject`)).toBe(`ALTER TABLE \`${TGT}\`.\`board\` ADD KEY \`idx_board_subject\` (\`subject\`(50))`);
    expect(sqlOf(`cutover/foreign-key ${TGT}.replies.fk_replies_board`)).toBe(
      `ALTER TABLE \`${TGT}\`.\`replies\` ADD CONSTRAINT \`fk_replies_board\` FOREIGN KEY (\`board_num\`) REFERENCES \`${TGT}\`.\`board\` (\`num\`) ON DELETE CASCADE`,
    );
  });

  it('rewrites every definer to the target admin user and qualifies names with the target database', () => {
    const defined = plan.statements.filter((s) => ['view', 'procedure', 'function', 'trigger', 'event'].includes(s.object.kind));
    expect(defined).toHaveLength(8);
    for (const s of defined) {
      expect(s.sql).toContain(`DEFINER=\`${server.adminUser}\`@\`%\``);
      expect(s.sql).not.toContain(OWNER);
      expect(s.sql).toContain(`\`${TGT}\`.\`${s.object.name}\``);
    }
    expect(plan.statements.find((s) => s.object.name === 'add_points')!.notes).toEqual([
      `DEFINER \`${OWNER}\`@\`localhost\` rewritten to \`${server.adminUser}\`@\`%\` (RDS has no SUPER to create objects for other users).`,
    ]);
    expect(sqlOf(`pre-data/view ${TGT}.v_busy_posts`)).toContain(`SQL SECURITY DEFINER VIEW \`${TGT}\`.\`v_busy_posts\` AS select`);
    expect(sqlOf(`pre-data/view ${TGT}.v_busy_posts`)).toContain(`from \`${TGT}\`.\`v_post_stats\``);
    expect(sqlOf(`cutover/trigger ${TGT}.board.trg_board_defaults`)).toContain(`TRIGGER \`${TGT}\`.\`trg_board_defaults\` BEFORE INSERT ON \`${TGT}\`.\`board\` FOR EACH ROW\nBEGIN`);
    // Routines, triggers and events are created with the sql_mode they had on the source.
    expect(sqlOf(`pre-data/procedure ${TGT}.add_points`)).toMatch(/^\/\* session sql_mode='[A-Z_,]*STRICT_TRANS_TABLES[A-Z_,]*' \*\/\nCREATE DEFINER=/);
    expect(sqlOf(`pre-data/procedure ${TGT}.member_label`)).toMatch(/^\/\* session sql_mode='PIPES_AS_CONCAT,ANSI_QUOTES,STRICT_ALL_TABLES' \*\/\n/);
    expect(plan.warnings).toContain(`Event \`${SRC}\`.\`ev_purge_log\` runs only while the target's event scheduler is on: set the RDS DB parameter event_scheduler to ON in the target's parameter group.`);
    // All three functions declare DETERMINISTIC or READS SQL DATA.
    expect(plan.warnings.some((w) => w.includes('log_bin_trust_function_creators'))).toBe(false);
  });

  describe('applied to an empty target database', () => {
    let target: SchemaTarget;
    let positions: DdlStatement[];

    beforeAll(async () => {
      target = await mysqlSchema.openTarget(connect);
      await apply(target, phase('pre-data'));
      await copyRows(TGT);
      await apply(target, phase('post-load'));
      await apply(target, phase('cutover'));
      positions = await mysqlSchema.positions(spec(SRC), selection(TGT));
      await apply(target, positions);
    });
    afterAll(() => target?.close());

    it('reads the same schema on the target as on the source', async () => {
      const snapshot = await mysqlSchema.snapshot(connect, selection(TGT), 'target');
      expect(Object.keys(source.tables).sort()).toEqual(TABLES.map((t) => `${SRC}.${t}`));
      expect(Object.keys(source.objects).sort()).toEqual(
        [`event ${SRC}.ev_purge_log`, `function ${SRC}.member_points`, `function ${SRC}.slug`, `procedure ${SRC}.add_points`, `procedure ${SRC}.member_label`, `trigger ${SRC}.trg_board_defaults`, `view ${SRC}.v_busy_posts`, `view ${SRC}.v_post_stats`].sort(),
      );
      expect(source.tables[`${SRC}.board`]!.indexes).toMatchObject({ idx_board_day_hit: '(`regist_day`, `hit` DESC) USING BTREE', idx_board_subject: '(`subject`(50)) USING BTREE' });
      expect(source.tables[`${SRC}.replies`]!.constraints.fk_replies_board).toBe(`FOREIGN KEY (\`board_num\`) REFERENCES \`${SRC}\`.\`board\` (\`num\`) ON UPDATE RESTRICT ON DELETE CASCADE`);
      expect(snapshot).toEqual(source);
    });

    it('sets each AUTO_INCREMENT counter to the source counter, so new rows get ids above the source MAX', async () => {
      expect(positions.map((p) => [p.id, p.sql])).toEqual(
        [
          ['board', 'num', 4],
          ['legacy_log', 'id', 3],
          ['members', 'num', 4],
          ['replies', 'num', 4],
          ['visits', 'seq', 4],
        ].map(([t, c, n]) => [`cutover/auto-increment ${TGT}.${t}.${c}`, `ALTER TABLE \`${TGT}\`.\`${t}\` AUTO_INCREMENT = ${n}`]),
      );
      // replies lost its last row on the source: its counter (4) is above MAX(num) + 1.
      const [reply] = await admin.query<ResultSetHeader>(`INSERT INTO \`${TGT}\`.replies (board_num, body) VALUES (2, 'new on the target')`);
      expect(reply.insertId).toBe(4);
      // The trigger runs as the target admin user, and foreign keys hold.
      const [post] = await admin.query<ResultSetHeader>(`INSERT INTO \`${TGT}\`.board (id, name, subject, content, regist_day, hit, member_num) VALUES ('kim01', 'k', 's', 'c', '', -5, 2)`);
      expect(post.insertId).toBe(4);
      const [[row]] = await admin.query<RowDataPacket[]>(`SELECT hit, regist_day FROM \`${TGT}\`.board WHERE num = 4`);
      expect(row).toMatchObject({ hit: 0, regist_day: expect.stringMatching(/^\d{4}-\d\d-\d\d \(\d\d:\d\d\)$/) });
      await expect(admin.query(`INSERT INTO \`${TGT}\`.replies (board_num, body) VALUES (999, 'orphan')`)).rejects.toThrow(/foreign key constraint fails/);
    });

    it('creates routines with their own sql_mode, so they parse and behave as on the source', async () => {
      await admin.query(`CALL \`${TGT}\`.member_label(2, @label)`);
      const [[row]] = await admin.query<RowDataPacket[]>('SELECT @label AS label');
      expect(row).toEqual({ label: '김철수 #2' });
    });

    it('finds every applied object as existing, and after an index is dropped re-applies exactly that one', async () => {
      const all = [...plan.statements, ...positions];
      const keys = all.filter((s) => !ALWAYS_APPLIED.has(s.object.kind)).map((s) => objectKey(s.object));
      expect(keys).toHaveLength(plan.statements.length);
      expect([...(await target.existing(all.map((s) => s.object)))].sort()).toEqual([...keys].sort());

      await admin.query(`ALTER TABLE \`${TGT}\`.board DROP INDEX idx_board_subject`);
      const found = await target.existing(all.map((s) => s.object));
      const missing = all.filter((s) => !ALWAYS_APPLIED.has(s.object.kind) && !found.has(objectKey(s.object)));
      expect(missing.map((s) => s.id)).toEqual([`post-load/index ${TGT}.board.idx_board_subject`]);
      await apply(target, missing);
      const snapshot = await mysqlSchema.snapshot(connect, selection(TGT), 'target');
      expect(snapshot.tables[`${SRC}.board`]).toEqual(source.tables[`${SRC}.board`]);
    });
  });

  describe('applied without the post-load and cutover phases and without positions', () => {
    let bare: SchemaSnapshot;
    let barePlan: SchemaPlan;
    let target: SchemaTarget;

    beforeAll(async () => {
      barePlan = await mysqlSchema.extract(spec(SRC), selection(BARE));
      target = await mysqlSchema.openTarget(connect);
      await apply(target, phase('pre-data', barePlan));
      await copyRows(BARE);
      bare = await mysqlSchema.snapshot(connect, selection(BARE), 'target');
    });
    afterAll(() => target?.close());

    it('differs from the source in exactly the missing indexes, foreign keys, triggers and events', () => {
      const missingIndexes = Object.entries(source.tables).flatMap(([t, shape]) =>
        Object.keys(shape.indexes)
          .filter((i) => !(i in bare.tables[t]!.indexes))
          .map((i) => `${t.split('.')[1]}.${i}`),
      );
      expect(missingIndexes.sort()).toEqual(phase('post-load', barePlan).map((s) => `${s.object.table}.${s.object.name}`).sort());
      const missingConstraints = Object.entries(source.tables).flatMap(([t, shape]) => Object.keys(shape.constraints).filter((c) => !(c in bare.tables[t]!.constraints)).map((c) => `${t.split('.')[1]}.${c}`));
      expect(missingConstraints.sort()).toEqual(['board.fk_board_member', 'replies.fk_replies_board']);
      for (const [t, shape] of Object.entries(source.tables)) {
        // What is there is the same: columns, primary key, CHECK constraints.
        expect(bare.tables[t]!.columns).toEqual(shape.columns);
        for (const [i, def] of Object.entries(bare.tables[t]!.indexes)) expect(def).toBe(shape.indexes[i]);
        for (const [c, def] of Object.entries(bare.tables[t]!.constraints)) expect(def).toBe(shape.constraints[c]);
      }
      expect(Object.keys(source.objects).filter((k) => !(k in bare.objects)).sort()).toEqual([`event ${SRC}.ev_purge_log`, `trigger ${SRC}.trg_board_defaults`]);
      for (const [k, text] of Object.entries(bare.objects)) expect(text).toBe(source.objects[k]);
    });

    it('shows the counter that positions would have moved: below the source counter', () => {
      const next = (s: SchemaSnapshot) => Object.fromEntries(s.sequences.map((q) => [q.name, [q.next, q.columnMax]]));
      expect(next(source)).toEqual({ board: ['4', '3'], legacy_log: ['3', '2'], members: ['4', '3'], replies: ['4', '2'], visits: ['4', '3'] });
      expect(next(bare)).toEqual({ ...next(source), replies: ['3', '2'] });
    });

    it('validates the loaded rows when a foreign key is added, and reports the server message', async () => {
      await admin.query(`INSERT INTO \`${BARE}\`.replies (board_num, body) VALUES (999, 'orphan')`);
      const fk = barePlan.statements.find((s) => s.id === `cutover/foreign-key ${BARE}.replies.fk_replies_board`)!;
      await expect(target.execute(fk)).rejects.toThrow(new RegExp(`^cutover/foreign-key ${BARE}\\.replies\\.fk_replies_board failed on the target: .*foreign key constraint fails`));
    });

    it('tells a reference into the source database apart from one into its target stand-in', async () => {
      await admin.query(`ALTER TABLE \`${BARE}\`.board ADD CONSTRAINT fk_board_member FOREIGN KEY (member_num) REFERENCES \`${SRC}\`.members (num) ON DELETE SET NULL`);
      await admin.query(`CREATE VIEW \`${BARE}\`.v_stray AS SELECT num FROM \`${SRC}\`.members`);
      const after = await mysqlSchema.snapshot(connect, selection(BARE), 'target');
      expect(after.tables[`${SRC}.board`]!.constraints.fk_board_member).toBe(
        `FOREIGN KEY (\`member_num\`) REFERENCES \`${SRC} (source database)\`.\`members\` (\`num\`) ON UPDATE RESTRICT ON DELETE SET NULL`,
      );
      expect(after.objects[`view ${SRC}.v_stray`]).toContain(`from \`${SRC} (source database)\`.\`members\``);
    });
  });
});
