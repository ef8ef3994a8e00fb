import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { formatSize, formatTotal, human } from "../src/format";

describe("sizes", () => {
  it("prints like the server (server/src/layers/size.rs)", () => {
    assert.equal(human(0), "0 B");
    assert.equal(human(999), "999 B");
    assert.equal(human(12_400), "12.4 kB");
    assert.equal(human(3_140_000), "3.14 MB");
    assert.equal(human(148_000_000), "148 MB");
    assert.equal(human(1_020_000_000), "1.02 GB");
  });

  it("formats estimates and totals", () => {
    assert.equal(formatSize({ low: 852, high: 852, confidence: "exact", basis: "" }), "852 B");
    assert.equal(formatSize({ low: 19_856_468, high: 19_856_468, confidence: "estimated", basis: "" }), "~19.9 MB");
    assert.equal(formatSize({ low: 360_755_537, high: 409_725_298, confidence: "estimated", basis: "" }), "361 MB–410 MB");
    assert.equal(formatSize({ low: 0, high: 0, confidence: "unknown", basis: "" }), "unknown");
    assert.equal(formatSize({ low: null, high: null, confidence: "estimated", basis: "" }), "unknown");
    assert.equal(formatTotal({ low: 380_612_857, high: 429_582_618, confidence: "unknown", basis: "" }), "≥ 381 MB");
  });
});
