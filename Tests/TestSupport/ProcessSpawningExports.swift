import ProcessSpawning

/// The clean spawn moved to the ProcessSpawning library (the chaos runner, which must not
/// depend on TestSupport, uses it too); these names keep TestSupport's API as it was.
public typealias CleanSignalSpawn = ProcessSpawning.CleanSignalSpawn
public typealias CloseOnExecPipe = ProcessSpawning.CloseOnExecPipe
