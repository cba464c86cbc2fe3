namespace Formats.AspNetCoreTests;

/// <summary>
/// Tests that measure the process's memory (<see cref="GC.GetTotalMemory(bool)"/>) run in this collection, after the
/// others and one at a time: another test allocating at the same moment would be counted as theirs.
/// </summary>
[CollectionDefinition(nameof(MeasuredAlone), DisableParallelization = true)]
public sealed class MeasuredAlone;
