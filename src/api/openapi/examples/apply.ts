export function applyExamples(_doc: Record<string, any>): void {}
