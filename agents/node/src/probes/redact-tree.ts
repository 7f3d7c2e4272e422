// Redaction of a snapshot's captured trees (locals and watches), in place,
// before the snapshot is queued: a node whose name is secret keeps its type
// and loses its value and children; every other string leaf is checked by
// content.

import type { CapturedVariable } from './capture.js';
import { REDACTED, type Redaction } from './redaction.js';

export function redactTree(nodes: CapturedVariable[], redaction: Redaction): void {
  for (const node of nodes) {
    if (redaction.sensitiveName(node.name)) {
      node.value = REDACTED;
      delete node.children;
      delete node.truncated;
      delete node.left;
      continue;
    }
    if (node.type === 'string') node.value = redaction.redactText(node.value);
    if (node.children !== undefined) redactTree(node.children, redaction);
  }
}
