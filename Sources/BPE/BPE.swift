// The public API of swift-bpe in one import: `import BPE`. Each layer is its own module
// (README.md, "Architecture"); this umbrella only re-exports them.
@_exported import BPECore
@_exported import BPEEncoding
@_exported import BPEFormats
@_exported import BPEReport
@_exported import BPETraining
