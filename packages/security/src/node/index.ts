/**
 * `@zmtp/security/node`: certificate files (czmq zcert / pyzmq zmq.auth layout), certificate
 * directories for the ZAP handler's CURVE allow list, and czmq zauth password files.
 */
import { chmod, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Certificate, formatCertificate, parseCertificate } from "../certificate";
import { curveKeyPair } from "../curve/index";

/**
 * Loads a certificate. For a public file whose `<path>_secret` exists, the secret key is read
 * from there, as czmq's zcert_load does.
 */
export async function loadCertificate(path: string): Promise<Certificate> {
  const certificate = parseCertificate(await readFile(path, "utf8"));
  if (certificate.secretKey !== undefined || path.endsWith("_secret")) return certificate;
  try {
    const secret = parseCertificate(await readFile(`${path}_secret`, "utf8"));
    if (secret.publicKey === certificate.publicKey && secret.secretKey !== undefined) {
      return { ...certificate, secretKey: secret.secretKey };
    }
  } catch {
    // No secret file: a public certificate.
  }
  return certificate;
}

export interface SavedCertificate {
  readonly publicFile: string;
  readonly secretFile: string | undefined;
}

/** Writes `<path>` (public) and, with a secret key, `<path>_secret` (mode 0600), as czmq does. */
export async function saveCertificate(
  certificate: Certificate,
  path: string,
): Promise<SavedCertificate> {
  await writeFile(path, formatCertificate(certificate));
  if (certificate.secretKey === undefined) return { publicFile: path, secretFile: undefined };
  const secretFile = `${path}_secret`;
  await writeFile(secretFile, formatCertificate(certificate, { secret: true }), { mode: 0o600 });
  await chmod(secretFile, 0o600);
  return { publicFile: path, secretFile };
}

/** A new key pair saved as `<dir>/<name>.key` and `.key_secret`, as pyzmq's create_certificates. */
export async function createCertificate(
  directory: string,
  name: string,
  metadata: Readonly<Record<string, string>> = {},
): Promise<SavedCertificate> {
  const { publicKey, secretKey } = curveKeyPair();
  return saveCertificate({ publicKey, secretKey, metadata }, join(directory, `${name}.key`));
}

/**
 * The public certificates of a directory (czmq zcertstore): every readable certificate file,
 * `_secret` files skipped; files that do not parse are ignored.
 */
export async function loadCertificateDirectory(directory: string): Promise<Certificate[]> {
  const certificates: Certificate[] = [];
  for (const name of (await readdir(directory)).sort()) {
    if (name.endsWith("_secret")) continue;
    const path = join(directory, name);
    try {
      if (!(await stat(path)).isFile()) continue;
      const { publicKey, metadata } = parseCertificate(await readFile(path, "utf8"));
      certificates.push({ publicKey, metadata });
    } catch {
      // Not a certificate.
    }
  }
  return certificates;
}

/** A czmq zauth password file: `username=password` per line, `#` comments. */
export async function loadPasswordFile(path: string): Promise<Map<string, string>> {
  const passwords = new Map<string, string>();
  for (const line of (await readFile(path, "utf8")).split(/\r?\n/)) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const equals = line.indexOf("=");
    if (equals <= 0) continue;
    passwords.set(line.slice(0, equals).trim(), line.slice(equals + 1));
  }
  return passwords;
}
