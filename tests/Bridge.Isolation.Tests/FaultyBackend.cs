using System.Runtime.InteropServices;
using Bridge.Backends;
using Bridge.Managed;

namespace Bridge.Isolation.Tests;

/// <summary>
/// The managed engine, with a fault at a chosen training step: "abort:3" aborts the process (SIGABRT, as libtorch does
/// when two builds meet), "kill:3" is killed outright (SIGKILL), "hang:3" never answers, "throw:3" throws. Before
/// the fault it writes a line on standard error, as a native runtime writes its last words. Made by a worker from its
/// recipe, like any portable backend.
/// </summary>
public sealed class FaultyBackend(string fault) : IPortableBackend
{
    public string Name => "faulty";

    public BackendRecipe Recipe => BackendRecipe.For<FaultyBackend>(fault);

    public BackendAvailability Availability => BackendAvailability.Available($"the managed engine, failing by '{fault}'");

    public IModel Build(ModelSpec spec, WeightSet initialWeights)
    {
        string[] parts = fault.Split(':');
        return new FaultyModel(ManagedBackend.Batched.Build(spec, initialWeights), parts[0], int.Parse(parts[1]));
    }

    private sealed class FaultyModel(IModel inner, string kind, int atStep) : IModel
    {
        private int _steps;

        public string Backend => "faulty";
        public string Device => inner.Device;
        public ModelSpec Spec => inner.Spec;
        public Matrix ForwardRange(Matrix inputs, int firstLayer, int endLayer) => inner.ForwardRange(inputs, firstLayer, endLayer);
        public double Loss(Batch batch) => inner.Loss(batch);
        public WeightSet Gradients(Batch batch) => inner.Gradients(batch);
        public WeightSet GetWeights() => inner.GetWeights();
        public void SetWeights(WeightSet weights) => inner.SetWeights(weights);
        public OptimizerState GetOptimizerState() => inner.GetOptimizerState();
        public void SetOptimizerState(OptimizerState state) => inner.SetOptimizerState(state);
        public void Dispose() => inner.Dispose();

        public StepResult TrainStep(Batch batch)
        {
            if (++_steps == atStep)
            {
                Console.Error.WriteLine($"faulty: step {_steps}, about to {kind}");
                Console.Error.Flush();
                switch (kind)
                {
                    case "abort": abort(); break;
                    case "kill": kill(Environment.ProcessId, 9); break;
                    case "hang": Thread.Sleep(Timeout.Infinite); break;
                    case "throw": throw new InvalidOperationException($"the faulty model refuses step {_steps}");
                }
            }
            return inner.TrainStep(batch);
        }

        [DllImport("libc", EntryPoint = "abort")]
        private static extern void abort();

        [DllImport("libc", EntryPoint = "kill")]
        private static extern int kill(int pid, int signal);
    }
}
