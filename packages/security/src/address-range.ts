/**
 * IP addresses and CIDR ranges for the ZAP handler's allow and deny lists. The ZAP request's
 * address (RFC 27 §"Request") is IPv4 dotted or IPv6 text; an IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d, as a dual-stack listener reports IPv4 peers) matches as the IPv4 address.
 */

/** 4 or 16 bytes, or undefined when `text` is not an IP address. */
export function parseIp(text: string): Uint8Array | undefined {
  const address = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (!address.includes(":")) return parseIpv4(address);
  const bytes = parseIpv6(address.replace(/%.*$/, ""));
  if (bytes === undefined) return undefined;
  // ::ffff:a.b.c.d is the IPv4 address a.b.c.d.
  const mapped = bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff;
  return mapped && bytes[11] === 0xff ? bytes.slice(12) : bytes;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let index = 0; index < 4; index++) {
    const part = parts[index]!;
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    bytes[index] = Number(part);
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === "") return [];
    const result: number[] = [];
    const parts = half.split(":");
    for (let index = 0; index < parts.length; index++) {
      const part = parts[index]!;
      if (index === parts.length - 1 && part.includes(".")) {
        const v4 = parseIpv4(part);
        if (v4 === undefined) return undefined;
        result.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        result.push(Number.parseInt(part, 16));
      } else {
        return undefined;
      }
    }
    return result;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) {
    return undefined;
  }
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** An address or a CIDR range ("10.0.0.0/8", "2001:db8::/32", "127.0.0.1"). */
export class AddressRange {
  private constructor(
    private readonly network: Uint8Array,
    private readonly prefix: number,
    readonly text: string,
  ) {}

  /** Undefined when `text` is neither an address nor a range. */
  static parse(text: string): AddressRange | undefined {
    const [address = "", bits] = text.trim().split("/");
    const network = parseIp(address);
    if (network === undefined) return undefined;
    const max = network.length * 8;
    let prefix = max;
    if (bits !== undefined) {
      if (!/^\d{1,3}$/.test(bits)) return undefined;
      prefix = Number(bits);
      // A mapped IPv6 range (::ffff:10.0.0.0/104) counts its bits from the IPv4 part.
      if (network.length === 4 && address.includes(":")) prefix -= 96;
      if (prefix < 0 || prefix > max) return undefined;
    }
    return new AddressRange(network, prefix, text.trim());
  }

  contains(address: string | Uint8Array): boolean {
    const bytes = typeof address === "string" ? parseIp(address) : address;
    if (bytes === undefined || bytes.length !== this.network.length) return false;
    let bits = this.prefix;
    for (let index = 0; bits > 0; index++, bits -= 8) {
      const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((bytes[index]! & mask) !== (this.network[index]! & mask)) return false;
    }
    return true;
  }
}
