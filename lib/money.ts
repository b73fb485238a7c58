/**
 * Money as the API writes it (tenge with up to 2 decimal places, a string: "1500.50") and
 * as it is stored (integer tiyn, bigint). Never a floating-point number.
 */

const tengeText = /^-?\d{1,15}(\.\d{1,2})?$/;

/** Tiyn as tenge with 2 places, e.g. 123456n → "1234.56". */
export function formatTenge(tiyn: bigint): string {
  const sign = tiyn < 0n ? '-' : '';
  const abs = tiyn < 0n ? -tiyn : tiyn;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Tenge with up to 2 places as tiyn; null when the text is not such an amount. */
export function parseTenge(text: string): bigint | null {
  if (!tengeText.test(text)) return null;
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const tiyn = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return negative ? -tiyn : tiyn;
}
