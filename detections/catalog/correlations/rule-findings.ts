import { of } from 'rxjs';
import type { Finding, SecurityEvent } from '../../../schemas/types.js';
import type { Detection, DetectionContext } from '../../api.js';

/**
 * A single-event catalog detection as a function of one event, with its default params: a correlation built on
 * top of it ("Block Public Access removed, then the bucket made public") asks the catalog's own rule instead of
 * repeating it. Only for detections whose operator holds no state (cloudTrailRule).
 *
 *   const madePublic = ruleFindings(s3BucketAclOpened, context);
 *   madePublic(event).some((finding) => finding.severity === 'critical');
 */
export function ruleFindings(
  rule: Detection,
  context: DetectionContext,
): (event: SecurityEvent) => Finding[] {
  const operator = rule.operator({ ...context, params: {} });
  return (event) => {
    const found: Finding[] = [];
    of(event)
      .pipe(operator)
      .subscribe((finding) => found.push(finding));
    return found;
  };
}
