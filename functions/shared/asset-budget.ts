/**
 * The CreateAsset budget of this stack's account, for the ingest steps: the spec from config and the
 * governor's store in the state table. Kept apart from create-asset.ts so the step reads as the call.
 */
import type { Config } from '../core/config';
import { required } from '../core/config';
import { createAssetBudget, type BudgetSpec, type BudgetStore } from '../core/governor';
import { budgetsFor } from './budget-store';

export function assetBudget(config: Config): { spec: BudgetSpec; store: BudgetStore } {
  return {
    spec: createAssetBudget(config.createAssetPerMinute, config.timeScale),
    store: budgetsFor(required(config.tableName, 'TABLE_NAME')),
  };
}
