/**
 * The stand-in's TLS identity in the data dir: a private key and a short-lived leaf certificate
 * for AWS host names, signed by the local CA. The gateway writes it at start
 * (`standin-leaf.ts`); the extension's stand-in, which holds the gateway's port while it is down,
 * reads it to answer proxy-mode calls inside TLS without ever touching the CA key. A module of
 * its own so the extension imports a name, not the gateway's X.509 code.
 */
export const STANDIN_TLS_FILE = 'standin-tls.pem';
