/**
 * czmq / pyzmq CURVE certificates (zcert) as ZPL text (RFC 4): a comment banner, a `metadata`
 * section of `name = "value"` lines and a `curve` section with `public-key` and, in the secret
 * file, `secret-key`, both 40 characters of Z85. Parsing and formatting only; the files live in
 * `@zmtp/security/node`.
 */
import { ZmqError } from "@zmtp/spec";
import { curveKeyBytes } from "./keys";

export interface Certificate {
  /** Z85, 40 characters. */
  readonly publicKey: string;
  /** Z85, 40 characters; only in the secret certificate. */
  readonly secretKey?: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A ZPL node: a name, an optional value and children (RFC 4 §"Syntax"). */
export interface ZplNode {
  readonly name: string;
  value: string | undefined;
  readonly children: ZplNode[];
}

const INDENT = 4;

function unquote(text: string): string {
  const value = text.trim();
  const first = value[0];
  if ((first === '"' || first === "'") && value.length >= 2) {
    const end = value.indexOf(first, 1);
    if (end > 0) return value.slice(1, end);
  }
  // A bare value ends at a comment.
  return value.replace(/\s+#.*$/, "").trim();
}

/** Parses ZPL text into its top-level nodes. EINVAL on bad indentation or names. */
export function parseZpl(text: string): ZplNode[] {
  const root: ZplNode = { name: "", value: undefined, children: [] };
  const stack: ZplNode[] = [root];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const content = line.replace(/^\s*#.*$/, "");
    if (content.trim() === "") return;
    const spaces = /^ */.exec(content)![0].length;
    if (spaces % INDENT !== 0) {
      throw new ZmqError("EINVAL", `ZPL line ${index + 1}: indentation is not a multiple of 4`);
    }
    const level = spaces / INDENT;
    if (level > stack.length - 1) {
      throw new ZmqError("EINVAL", `ZPL line ${index + 1}: indented too far`);
    }
    stack.length = level + 1;
    const body = content.slice(spaces);
    const match = /^([A-Za-z0-9$\-_@.&+/]+)\s*(?:=\s*(.*))?$/.exec(body);
    if (match === null) throw new ZmqError("EINVAL", `ZPL line ${index + 1}: bad syntax`);
    const node: ZplNode = {
      name: match[1]!,
      value: match[2] === undefined ? undefined : unquote(match[2]),
      children: [],
    };
    stack[level]!.children.push(node);
    stack.push(node);
  });
  return root.children;
}

function section(nodes: readonly ZplNode[], name: string): ZplNode | undefined {
  return nodes.find((node) => node.name === name);
}

/** Reads a certificate (public or secret). EINVAL without a valid public key. */
export function parseCertificate(text: string): Certificate {
  const nodes = parseZpl(text);
  const curve = section(nodes, "curve");
  const publicKey = curve === undefined ? undefined : section(curve.children, "public-key")?.value;
  if (publicKey === undefined) throw new ZmqError("EINVAL", "Certificate without a public key");
  curveKeyBytes(publicKey);
  const secretKey = curve === undefined ? undefined : section(curve.children, "secret-key")?.value;
  if (secretKey !== undefined) curveKeyBytes(secretKey);
  const metadata: Record<string, string> = {};
  for (const node of section(nodes, "metadata")?.children ?? []) {
    metadata[node.name] = node.value ?? "";
  }
  return secretKey === undefined ? { publicKey, metadata } : { publicKey, secretKey, metadata };
}

export interface FormatCertificateOptions {
  /** Write the secret key (the `_secret` file). */
  readonly secret?: boolean;
  /** When it was made; now by default. */
  readonly date?: Date;
}

function stamp(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** Formats a certificate as czmq's zcert_save does (values always double-quoted). */
export function formatCertificate(
  certificate: Certificate,
  options: FormatCertificateOptions = {},
): string {
  const secret = options.secret === true;
  if (secret && certificate.secretKey === undefined) {
    throw new ZmqError("EINVAL", "Certificate has no secret key to write");
  }
  const lines = [
    `#   ****  Generated on ${stamp(options.date ?? new Date())} by zmtp  ****`,
    secret ? "#   ZeroMQ CURVE **Secret** Certificate" : "#   ZeroMQ CURVE Public Certificate",
    secret
      ? "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions."
      : "#   Exchange securely, or use a secure mechanism to verify the contents",
    secret ? "" : "#   of this file after exchange. Store public certificates in your home",
    secret ? undefined : "#   directory, in the .curve subdirectory.",
    secret ? undefined : "",
    "metadata",
  ].filter((line): line is string => line !== undefined);
  for (const [name, value] of Object.entries(certificate.metadata)) {
    if (!/^[A-Za-z0-9$\-_@.&+/]+$/.test(name) || value.includes('"')) {
      throw new ZmqError("EINVAL", `Metadata "${name}" cannot be written as ZPL`);
    }
    lines.push(`    ${name} = "${value}"`);
  }
  lines.push("curve", `    public-key = "${certificate.publicKey}"`);
  if (secret) lines.push(`    secret-key = "${certificate.secretKey}"`);
  return `${lines.join("\n")}\n`;
}
