using Bridge.Conformance.Tests;
using Bridge.Testing;

namespace Bridge.Keras.Tests;

/// <summary>
/// The conformance suite on Keras in this process. Its own project runs Keras in a worker only: there TorchSharp's
/// libtorch is loaded, which Keras on torch cannot share a process with.
/// </summary>
[Collection(PythonCollection.Name)]
public sealed class KerasInProcess(KerasSubject backend) : QueuedConformanceSuite<KerasSubject>(backend);
