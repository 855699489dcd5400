/**
 * Round trip over every operation of every model: the aws-sdk v2 client builds the
 * request exactly as it would send it (sample values for required members), and identify() must
 * name the same service and operation from that request alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { identify } from '../../gateway/aws/identify';
import { awsModel } from '../../gateway/aws/model';
import { requestViewOf } from '../../gateway/pipeline/request-view';
import { sdkV2Requests } from './support/sdk-v2-requests';

void test('every operation of every model is identified from the request the SDK builds', () => {
  const model = awsModel();
  const { requests, buildErrors, bearerOnly } = sdkV2Requests();
  let total = 0;
  let matched = 0;
  const failures: string[] = [];
  for (const r of requests) {
    const svc = r.service;
    total++;
    const view = requestViewOf({ ...r, region: 'us-east-1' });
    const got = identify(view);
    const gotModel = model.byId.get(got.service);
    const same = got.service === svc.id && got.operation === r.operation;
    // rds / docdb / neptune share signing name, API version and operation names: the request
    // cannot tell them apart, and IAM does not either.
    const equivalent =
      got.operation === r.operation && gotModel?.iamPrefix === svc.iamPrefix && got.service !== svc.id;
    if (same || equivalent) matched++;
    else
      failures.push(
        `${svc.id}.${r.operation} -> ${got.service}.${got.operation ?? '?'} (${view.method} ${view.path})`,
      );
  }
  const rate = matched / total;
  console.log(
    `round trip: ${matched}/${total} identified (${(rate * 100).toFixed(2)}%), ${buildErrors.length} not buildable, skipped bearer-only: ${bearerOnly.join(', ')}`,
  );
  if (failures.length > 0) console.log(`failures:\n  ${failures.join('\n  ')}`);
  if (buildErrors.length > 0) console.log(`not buildable by aws-sdk v2:\n  ${buildErrors.join('\n  ')}`);
  assert.ok(total > 15000, `built ${total} requests`);
  assert.ok(rate >= 0.99, `identification rate ${rate}`);
});
