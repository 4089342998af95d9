import { describe, expect, it } from 'vitest';
import type { VideoTask } from '../../functions/core/ark/types';
import { failureCause } from '../../functions/core/video';

const task = (over: Partial<VideoTask>): VideoTask => ({
  id: 'cgt-1',
  model: 'doubao-seedance-2-0-260128',
  status: 'failed',
  rawStatus: 'failed',
  error: null,
  createdAt: 1,
  updatedAt: 2,
  ...over,
});

describe('failureCause', () => {
  it('carries the upstream code and message of a failed task', () => {
    // Act
    const cause = failureCause(
      task({ error: { code: 'OutputVideoSensitiveContentDetected', message: 'moderated' } }),
    );
    // Assess
    expect(JSON.parse(cause ?? '')).toEqual({
      code: 'OutputVideoSensitiveContentDetected',
      message: 'moderated',
      taskId: 'cgt-1',
      taskStatus: 'failed',
    });
  });

  it('scrubs a presigned URL that upstream echoed in the message (it reaches GET /videos)', () => {
    // Act
    const cause = failureCause(
      task({
        error: {
          code: 'InvalidParameter',
          message:
            'cannot download https://b.s3.amazonaws.com/ref.png?X-Amz-Signature=deadbeef&X-Amz-Credential=AK',
        },
      }),
    );
    // Assess
    expect(cause).not.toMatch(/deadbeef|X-Amz-Credential/);
    expect(cause).toContain('https://b.s3.amazonaws.com/ref.png?[redacted]');
  });

  it('is undefined for a task that has not failed', () => {
    expect(failureCause(task({ status: 'running', rawStatus: 'running' }))).toBeUndefined();
  });
});
