/**
 * The demo shop's rows, generated from a seed (same seed, same bytes, on every machine):
 * 100,000 rows in all, with text and bytea values over 32 KB (LOBs for DMS) and a log table
 * without a key that has a few duplicate rows.
 */
import { Rng } from './prng.js';
import type { Value } from './sql-values.js';

export const SHOP_ROWS = {
  members: 10_000,
  addresses: 12_000,
  board: 3_000,
  products: 1_000,
  orders: 20_000,
  order_items: 40_000,
  access_log: 14_000,
} as const;
export type ShopTable = keyof typeof SHOP_ROWS;
export const SHOP_TABLES = Object.keys(SHOP_ROWS) as ShopTable[];
export const SHOP_TOTAL_ROWS = Object.values(SHOP_ROWS).reduce((a, b) => a + b, 0);

/** Every LOB_EVERY-th board post and product image is larger than LOB_MIN_BYTES. */
export const LOB_MIN_BYTES = 33 * 1024;
const BIG_POST_EVERY = 100;
const BIG_IMAGE_EVERY = 25;

const money = (cents: number): string => (cents / 100).toFixed(2);
const ts = (ms: number): string => new Date(ms).toISOString();

/** The legacy app's `regist_day` text: `2021-10-25 (12:09)` in Korean time. */
function registDay(ms: number): string {
  const kst = new Date(ms + 9 * 3_600_000).toISOString();
  return `${kst.slice(0, 10)} (${kst.slice(11, 16)})`;
}

// --- vocabulary ---
const FAMILY = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오', '서', '신', '권', '황', '안', '송', '류', '홍'];
const GIVEN = ['민', '서', '지', '현', '준', '우', '하', '은', '수', '영', '재', '성', '윤', '진', '혜', '동', '태', '아', '연', '호'];
const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const DOMAINS = ['example.com', 'example.net', 'example.org'];
const CITIES = ['Seoul', 'Busan', 'Incheon', 'Daegu', 'Daejeon', 'Gwangju', 'Suwon', 'Ulsan', 'Jeju'];
const STREETS = ['Teheran-ro', 'Sejong-daero', 'Hangang-daero', 'Olympic-ro', 'Haeundae-ro', 'Gukhoe-daero', 'Jungang-ro'];
const ITEMS = ['T-shirt', 'Hoodie', 'Mug', 'Light stick', 'Album', 'Photocard set', 'Poster', 'Keyring', 'Cap', 'Tumbler', 'Tote bag', 'Sticker pack'];
const EDITIONS = ['Tour', 'Limited', 'Winter', 'Summer', 'Anniversary', 'Fan meeting', 'Seoul concert', 'World tour', 'Debut', 'Season'];
const TAGS = ['apparel', 'tour', 'kitchen', 'limited', 'music', 'collectible', 'gift', 'accessory', 'sale'];
const WORDS = ('오늘 공연 정말 최고 였어요 굿즈 배송 언제 되나요 라이트스틱 새로운 앨범 티켓 예매 성공 감사합니다 ' +
  'the show was amazing shipping question limited edition sold out again please restock soon video buffering ' +
  'live stream from overseas thank you for the great service my order arrived today').split(' ');
const PATHS = ['/', '/shop', '/shop/product/', '/board/', '/cart', '/login', '/member/join', '/video/live', '/api/cart'];
const AGENTS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)', 'Mozilla/5.0 (Linux; Android 14)', 'curl/8.5.0'];

const T2019 = Date.UTC(2019, 0, 1);
const T2021 = Date.UTC(2021, 0, 1);
const T2024 = Date.UTC(2024, 0, 1);

function sentence(rng: Rng): string {
  const n = rng.int(5, 14);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(rng.pick(WORDS));
  return `${words.join(' ')}.`;
}

function text(rng: Rng, minChars: number): string {
  const parts: string[] = [];
  let len = 0;
  while (len < minChars) {
    const s = sentence(rng);
    parts.push(s);
    len += s.length + 1;
  }
  return parts.join(rng.chance(0.2) ? '\n' : ' ');
}

/** Byte length of a string in UTF-8 (Korean syllables are 3 bytes). */
export const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Text of at least `bytes` UTF-8 bytes. */
function textOfBytes(rng: Rng, bytes: number): string {
  const parts: string[] = [];
  for (let len = 0; len < bytes; ) {
    const s = sentence(rng);
    parts.push(s);
    len += utf8Bytes(s) + 1;
  }
  return parts.join(' ');
}

/** A PNG signature and noise: incompressible, so TOAST really stores it out of line. */
const image = (rng: Rng, bytes: number): Buffer => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), rng.bytes(bytes - 8)]);

// --- tables ---
interface Member { num: number; id: string }

/** A login like the legacy app's `hjs6558`: three initials and four digits. */
const initials = (rng: Rng): string => [0, 1, 2].map(() => LATIN[rng.int(0, 25)]).join('');

function makeMembers(rng: Rng): Member[] {
  const members: Member[] = [{ num: 1, id: 'hjs6558' }];
  for (let num = 2; num <= SHOP_ROWS.members; num++) {
    // Re-registrations under a taken id: `members.id` was never unique in the legacy app.
    const id = num % 400 === 0 ? rng.pick(members).id : `${initials(rng)}${rng.int(1000, 9999)}`;
    members.push({ num, id });
  }
  return members;
}

function* memberRows(rng: Rng, members: Member[]): Generator<Value[]> {
  yield [1, 'hjs6558', 'password', '황재성', 'hjs6558@example.com', '2021-10-25 (12:09)', 9, 0];
  const step = (T2024 - T2019) / SHOP_ROWS.members;
  for (const m of members.slice(1)) {
    const name = rng.pick(FAMILY) + rng.pick(GIVEN) + rng.pick(GIVEN);
    const email = rng.chance(0.05) ? null : `${m.id}@${rng.pick(DOMAINS)}`;
    const day = registDay(T2019 + m.num * step + rng.int(0, 3_600_000));
    const level = rng.pickWeighted([1, 2, 3, 5, 9], [50, 25, 15, 8, 2]);
    yield [m.num, m.id, rng.alnum(rng.int(8, 12)), name, email, day, level, rng.int(0, 20_000)];
  }
}

function* addressRows(rng: Rng, members: Member[]): Generator<Value[]> {
  const row = (id: number, m: Member, label: string, isDefault: boolean): Value[] => [
    id, m.num, label, rng.pick(FAMILY) + rng.pick(GIVEN) + rng.pick(GIVEN), `${rng.pick(STREETS)} ${rng.int(1, 400)}, ${rng.int(1, 30)}F`,
    rng.pick(CITIES), String(rng.int(1000, 63_999)).padStart(5, '0'), 'KR', isDefault,
  ];
  // Address n is member n's default one; the rest are second addresses of random members.
  for (const m of members) yield row(m.num, m, 'home', true);
  for (let id = members.length + 1; id <= SHOP_ROWS.addresses; id++) yield row(id, rng.pick(members), rng.pick(['office', 'parents', 'dorm']), false);
}

function* boardRows(rng: Rng, members: Member[]): Generator<Value[]> {
  yield [1, 'hjs6558', '황재성', '첫 글', '안녕하세요, 하이브리드 BTS 게시판입니다.', '2021-10-26 (09:30)', 3, null, null, null];
  for (let num = 2; num <= SHOP_ROWS.board; num++) {
    const author = rng.pick(members);
    const content = num % BIG_POST_EVERY === 0 ? textOfBytes(rng, LOB_MIN_BYTES + rng.int(0, 64 * 1024)) : text(rng, rng.int(40, 1500));
    const posted = registDay(T2021 + Math.floor(((T2024 - T2021) * num) / SHOP_ROWS.board));
    const file = rng.chance(0.1) ? `photo_${num}.jpg` : null;
    const name = rng.pick(FAMILY) + rng.pick(GIVEN) + rng.pick(GIVEN);
    const stored = file && `${posted.slice(0, 10).replace(/-/g, '_')}_${num}.jpg`;
    yield [num, author.id, name, sentence(rng).slice(0, 60), content, posted, rng.int(0, 5000), file, file && 'image/jpeg', stored];
  }
}

interface Product { id: number; cents: number }

function makeProducts(rng: Rng): Product[] {
  const fixed = [2500, 1250, 4990];
  return Array.from({ length: SHOP_ROWS.products }, (_, i) => ({ id: i + 1, cents: fixed[i] ?? rng.int(5, 150) * 100 + rng.pick([0, 0, 90, 50]) }));
}

function* productRows(rng: Rng, products: Product[]): Generator<Value[]> {
  // The three products of the HYBRID-BTS fixture (test/fixtures/sql/hybridbts-postgres.sql).
  const fixed: Value[][] = [
    ['BTS-TEE-01', 'Tour T-shirt', '{apparel,tour}', 'Cotton tee from the 2021 tour.', Buffer.from('89504e470d0a1a0a', 'hex')],
    ['BTS-MUG-01', 'Mug', '{kitchen}', null, null],
    ['BTS-LS-01', 'Light stick', '{}', 'Official light stick.', null],
  ];
  for (const p of products) {
    const created = ts(T2019 + p.id * 86_400_000);
    const f = fixed[p.id - 1];
    if (f) {
      const [sku, name, tags, description, img] = f;
      yield [p.id, sku ?? null, name ?? null, money(p.cents), 100, tags ?? null, description ?? null, img ?? null, created];
      continue;
    }
    const item = rng.pick(ITEMS);
    const tags = TAGS.filter(() => rng.chance(0.2));
    const img = p.id % BIG_IMAGE_EVERY === 0 ? image(rng, LOB_MIN_BYTES + rng.int(0, 128 * 1024)) : rng.chance(0.7) ? image(rng, rng.int(200, 4000)) : null;
    const sku = `BTS-${item.slice(0, 3).toUpperCase()}-${String(p.id).padStart(4, '0')}`;
    const description = rng.chance(0.2) ? null : text(rng, rng.int(30, 600));
    yield [p.id, sku, `${rng.pick(EDITIONS)} ${item}`, money(p.cents), rng.int(0, 500), `{${tags.join(',')}}`, description, img, created];
  }
}

function clientIp(rng: Rng): string | null {
  const r = rng.next();
  if (r < 0.02) return null;
  if (r < 0.1) return `2001:db8::${rng.int(1, 0xffff).toString(16)}`;
  return `${rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${rng.int(1, 254)}`;
}

/** Orders and their items together: an order's total is the sum of its items. */
function orderAndItemRows(rng: Rng, members: Member[], products: Product[]): { orders: Value[][]; items: Value[][] } {
  const orders: Value[][] = [];
  const items: Value[][] = [];
  let itemsLeft = SHOP_ROWS.order_items;
  const step = (T2024 - T2021) / SHOP_ROWS.orders;
  for (let id = 1; id <= SHOP_ROWS.orders; id++) {
    const ordersLeft = SHOP_ROWS.orders - id;
    // 1–3 items, chosen so the totals come out exact.
    const k = rng.int(Math.max(1, itemsLeft - 3 * ordersLeft), Math.min(3, itemsLeft - ordersLeft));
    itemsLeft -= k;
    const picked = new Set<Product>();
    while (picked.size < k) picked.add(rng.pick(products));
    let total = 0;
    for (const p of picked) {
      const qty = rng.pickWeighted([1, 2, 3, 5], [70, 20, 7, 3]);
      total += qty * p.cents;
      items.push([id, p.id, qty, money(p.cents)]);
    }
    const member = rng.pick(members);
    const created = T2021 + id * step + rng.int(0, 60_000);
    const age = (T2024 - created) / (T2024 - T2021);
    const status = rng.pickWeighted(['pending', 'paid', 'shipped', 'cancelled', 'refunded'], age > 0.02 ? [0, 2, 91, 5, 2] : [40, 40, 15, 5, 0]);
    const address = rng.chance(0.03) ? null : member.num;
    orders.push([id, member.num, address, status, clientIp(rng), ts(created), money(total)]);
  }
  return { orders, items };
}

function* accessLogRows(rng: Rng, members: Member[]): Generator<Value[]> {
  let t = T2024 - 7 * 86_400_000;
  let last: Value[] | undefined;
  for (let i = 0; i < SHOP_ROWS.access_log; i++) {
    // The web tier logged some requests twice: identical rows, no key to tell them apart.
    if (last && rng.chance(0.01)) {
      yield last;
      continue;
    }
    t += rng.int(1, 90_000);
    const base = rng.pick(PATHS);
    const path = base.endsWith('/') && base.length > 1 ? `${base}${rng.int(1, base.startsWith('/shop') ? SHOP_ROWS.products : SHOP_ROWS.board)}` : base;
    const method = path.startsWith('/api') || path === '/login' ? 'POST' : 'GET';
    const status = rng.pickWeighted([200, 304, 302, 404, 500], [80, 8, 6, 5, 1]);
    const payload = rng.chance(0.3) ? null : JSON.stringify({ ua: rng.pick(AGENTS), ms: rng.int(2, 900), ...(rng.chance(0.3) ? { ref: 'https://www.example.com/' } : {}) });
    last = [ts(t), rng.chance(0.4) ? null : (rng.pick(members).id), method, path, status, payload];
    yield last;
  }
}

export interface TableRows {
  table: ShopTable;
  columns: string[];
  rows: Iterable<Value[]>;
  /** The key is an identity GENERATED ALWAYS column: an INSERT needs OVERRIDING SYSTEM VALUE. */
  identityAlways?: boolean;
}

/** Every table's rows, in foreign-key order; load them after shop-schema.v1.sql. Lazy. */
export function* shopRows(seed: number): Generator<TableRows> {
  const rng = new Rng(seed);
  const members = makeMembers(rng);
  const products = makeProducts(rng);
  yield { table: 'members', columns: ['num', 'id', 'pass', 'name', 'email', 'regist_day', 'level', 'point'], rows: memberRows(rng, members) };
  yield { table: 'addresses', columns: ['id', 'member_num', 'label', 'recipient', 'line1', 'city', 'postal_code', 'country', 'is_default'], rows: addressRows(rng, members) };
  yield { table: 'board', columns: ['num', 'id', 'name', 'subject', 'content', 'regist_day', 'hit', 'file_name', 'file_type', 'file_copied'], rows: boardRows(rng, members) };
  yield { table: 'products', columns: ['id', 'sku', 'name', 'price', 'stock', 'tags', 'description', 'image', 'created_at'], rows: productRows(rng, products), identityAlways: true };
  const { orders, items } = orderAndItemRows(rng, members, products);
  yield { table: 'orders', columns: ['id', 'member_num', 'address_id', 'status', 'client_ip', 'created_at', 'total'], rows: orders };
  yield { table: 'order_items', columns: ['order_id', 'product_id', 'quantity', 'unit_price'], rows: items };
  yield { table: 'access_log', columns: ['logged_at', 'member_id', 'method', 'path', 'status', 'payload'], rows: accessLogRows(rng, members) };
}
