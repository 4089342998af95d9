/** The CLI signs with the same SigV4 helper the Lambda adapters use (functions/shared/request-signer.ts). */
export * from '../functions/shared/request-signer';
