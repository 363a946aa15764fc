/** Text progress bars for a TTY: `label  ██████░░░░  12,000/~20,000  note`. */
export interface Bar {
  label: string;
  done: number;
  total: number;
  note?: string;
}

const n = (x: number) => x.toLocaleString('en-US');

export function isBarList(value: unknown): value is Bar[] {
  return Array.isArray(value) && value.every((b) => b && typeof b === 'object' && typeof b.label === 'string' && typeof b.done === 'number' && typeof b.total === 'number');
}

export function renderBars(bars: Bar[], columns = 100): string {
  const labelWidth = Math.min(32, Math.max(...bars.map((b) => b.label.length), 4));
  const width = Math.max(10, Math.min(30, columns - labelWidth - 40));
  return bars
    .map((b) => {
      const ratio = b.total > 0 ? Math.min(1, Math.max(0, b.done / b.total)) : 0;
      const filled = Math.round(ratio * width);
      const label = b.label.length > labelWidth ? `${b.label.slice(0, labelWidth - 1)}…` : b.label.padEnd(labelWidth);
      const counts = b.done >= b.total ? n(b.done) : `${n(b.done)}/~${n(b.total)}`;
      return `  ${label} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${counts}${b.note ? `  ${b.note}` : ''}`;
    })
    .join('\n');
}
