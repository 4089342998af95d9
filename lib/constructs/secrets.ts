/**
 * The upstream credentials secret `{accessKeyId, secretAccessKey, apiToken}`: created with placeholder
 * values (set the real ones with `aws secretsmanager put-secret-value`, see README), or imported by ARN.
 */
import { Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface CredentialsSecretProps {
  /**
   * Existing secret, by its complete ARN (with the 6-character suffix Secrets Manager adds): a partial
   * ARN cannot be told apart from a name ending in `-xxxxxx`, and it would widen the IAM resource.
   */
  importArn?: string;
}

export class CredentialsSecret extends Construct {
  readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: CredentialsSecretProps = {}) {
    super(scope, id);
    if (props.importArn) {
      this.secret = secretsmanager.Secret.fromSecretCompleteArn(this, 'Imported', props.importArn);
      return;
    }
    const created = new secretsmanager.Secret(this, 'Secret', {
      description:
        'Volcengine AK/SK and APIYI token for seedance-stack: {accessKeyId, secretAccessKey, apiToken}',
      // Generated placeholders so the JSON shape is right from the start; real values are set by hand.
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ accessKeyId: 'REPLACE_ME', secretAccessKey: 'REPLACE_ME' }),
        generateStringKey: 'apiToken',
        excludePunctuation: true,
        passwordLength: 32,
      },
    });
    Validations.of(created).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The values are Volcengine AK/SK and an APIYI token issued in those consoles; AWS cannot rotate them. Rotate upstream and put-secret-value; the Lambdas re-read within SECRET_CACHE_TTL_SECONDS.',
    });
    this.secret = created;
  }
}
