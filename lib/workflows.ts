/**
 * The state machines and the Lambda steps their ASL files call. Each Task state's Resource is a
 * `${<Substitution>}` placeholder; CDK substitutes the function ARN, the local runner a local handler.
 * `access` has the same role as in the route table: the stack derives each step's grants from it.
 */

export type StepAccess =
  | 'upstream' // credentials secret + Volcengine/Ark calls
  | 'bucket:read-incoming' // HeadObject/GetObject under incoming/
  | 'bucket:quarantine' // move incoming/ objects to quarantine/ (copy + delete)
  | 'bucket:presign-incoming' // presigned GET of incoming/ objects for CreateAsset
  | 'bucket:write-videos'; // multipart upload under videos/

export interface StepDef {
  /** Placeholder name used in the ASL (`${ValidateImageFunctionArn}`). */
  substitution: string;
  /** Module path from the repository root, exporting `handler`. */
  handler: string;
  access: StepAccess[];
  /** Lambda timeout in seconds (default 30). */
  timeoutSeconds?: number;
  /** Lambda memory in MB (default 256). */
  memoryMb?: number;
}

export interface WorkflowDef {
  /** `ingest` or `video`; also the construct ID stem. */
  name: 'ingest' | 'video';
  /** ASL file from the repository root. */
  definitionFile: string;
  steps: StepDef[];
  /**
   * Extra `${Name}` placeholders with literal values (the stack also provides `${BucketName}`); every
   * placeholder in the ASL must be a step substitution, one of these, or BucketName, or synth fails.
   */
  substitutions?: Record<string, string>;
}

export const workflows: readonly WorkflowDef[] = [
  {
    name: 'ingest',
    definitionFile: 'statemachines/asset-ingest.asl.json',
    steps: [],
  },
  {
    name: 'video',
    definitionFile: 'statemachines/video-generation.asl.json',
    steps: [],
  },
];

export function workflow(name: WorkflowDef['name']): WorkflowDef {
  const w = workflows.find((x) => x.name === name);
  if (!w) throw new Error(`unknown workflow ${name}`);
  return w;
}
