// Names the AzureML extension (Microsoft.AzureML.Kubernetes) and this action agree on.

export const EXTENSION_TYPE = 'Microsoft.AzureML.Kubernetes';
/** The extension always installs its release into this namespace. */
export const RELEASE_NAMESPACE = 'azureml';

/**
 * SHA-256 of the scoring certificate, kept as a (non-secret) configuration setting so the next run
 * can tell whether the certificate changed: protected settings are never returned by Azure. The
 * extension ignores settings it does not know (they are Helm values nobody reads).
 */
export const CERT_FINGERPRINT_SETTING = 'arcMlActions.sslCertSha256';

/** Protected settings carrying the certificate and key: PEM text, and base64 of it (what the chart reads). */
export const PROTECTED_TLS_SETTINGS = ['sslCertPemFile', 'sslKeyPemFile', 'scoringFe.sslCert', 'scoringFe.sslKey'];

/** Settings compared case-insensitively (enumerations the extension reads case-insensitively). */
export const CASE_INSENSITIVE_SETTINGS = new Set(['inferenceRouterServiceType', 'internalLoadBalancerProvider']);
