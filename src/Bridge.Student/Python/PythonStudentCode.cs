using Bridge.Python;
using Py = Bridge.Python.Python;

namespace Bridge.Student;

/// <summary>
/// A student's Python module behind <see cref="IStudentCode"/>, through bridge_student.StudentNet, which checks the
/// structure and dtypes of what comes back. Every call runs under a time limit: a watchdog thread raises
/// KeyboardInterrupt in the calling thread's Python code (PyThreadState_SetAsyncExc) when the limit passes, and the
/// call is reported as not returning. Python checks for such an exception between bytecodes, so a loop written in
/// Python is stopped at once, but a call blocked inside C (time.sleep, input(), one enormous numpy operation) only
/// when it returns: a worker process (<c>backend.InWorkerProcess(new WorkerOptions { CallTimeout = … })</c>, Bridge.Isolation)
/// is what can end those, by ending the process.
/// </summary>
internal sealed class PythonStudentCode : IStudentCode
{
    private readonly PyObject _net;
    private readonly PyObject _helper;
    private readonly string _file;
    private readonly TimeSpan _limit;
    private readonly string _dtype;

    public PythonStudentCode(PyObject helper, PyObject net, string file, string versions, TimeSpan limit, Precision precision)
    {
        _helper = helper;
        _net = net;
        _file = file;
        _limit = limit;
        _dtype = precision.Name();
        using var gil = Py.Gil();
        using var hasStep = net.GetAttr("has_step");
        HasStep = hasStep.ToBoolean();
        Description = $"{versions}: {file}";
    }

    public string Description { get; }

    public bool HasStep { get; }

    public IReadOnlyList<StudentArray> Forward(IReadOnlyList<LayerWeights> weights, Matrix x, IReadOnlyList<Activation> activations, int firstLayer)
    {
        using var gil = Py.Gil();
        var (kernels, biases) = ToPython(weights);
        using (kernels)
        using (biases)
        using (var xs = NumpyArrays.FromDoubles(x.Data, x.Rows, x.Cols))
            return Call("forward", () => _net.CallMethod("forward", kernels, biases, xs, Names(activations), firstLayer, _dtype));
    }

    public IReadOnlyList<StudentArray> Gradients(IReadOnlyList<LayerWeights> weights, Matrix x, Matrix targets, IReadOnlyList<Activation> activations, Loss loss)
    {
        using var gil = Py.Gil();
        var (kernels, biases) = ToPython(weights);
        using (kernels)
        using (biases)
        using (var xs = NumpyArrays.FromDoubles(x.Data, x.Rows, x.Cols))
        using (var ts = NumpyArrays.FromDoubles(targets.Data, targets.Rows, targets.Cols))
            return Call("gradients", () => _net.CallMethod("gradients", kernels, biases, xs, ts, Names(activations), loss.Name(), _dtype));
    }

    public IReadOnlyList<StudentArray>? Step(IReadOnlyList<LayerWeights> weights, IReadOnlyList<LayerWeights> gradients, double learningRate)
    {
        using var gil = Py.Gil();
        var (kernels, biases) = ToPython(weights);
        var (gradKernels, gradBiases) = ToPython(gradients);
        using (kernels)
        using (biases)
        using (gradKernels)
        using (gradBiases)
            return Call("step", () => _net.CallMethod("step", kernels, biases, gradKernels, gradBiases, learningRate, _dtype));
    }

    public void Dispose()
    {
        // The helper module is shared by every model; only the student's net is this model's to release.
        _net.Dispose();
    }

    /// <summary>
    /// Runs one call of the student's code under the time limit and reads the list of arrays it returns. The watchdog
    /// may only interrupt while the call runs: it checks <c>done</c> under a lock, and an interrupt that was set but
    /// not yet raised when the call returned is cleared, so it cannot land in later, unrelated Python code.
    /// </summary>
    private List<StudentArray> Call(string function, Func<PyObject> call)
    {
        ulong thread = Py.CurrentThreadIdent;
        var gate = new object();
        bool done = false, fired = false;
        using (var watchdog = new Timer(_ =>
               {
                   // The GIL first, then the gate, in the order the calling thread takes them (it holds the GIL
                   // throughout): the other order would deadlock.
                   using var gil = Py.Gil();
                   lock (gate)
                   {
                       if (done) return;
                       fired = true;
                       Py.Interrupt(thread);
                   }
               }, null, _limit, TimeSpan.FromMilliseconds(250)))
        {
            PyObject result;
            try
            {
                result = call();
            }
            catch (PythonException e) when (e.IsInterrupt && Volatile.Read(ref fired))
            {
                throw new StudentCodeException(
                    $"{function} in {_file} did not return within {TimeLimit.Describe(_limit)} and was stopped there " +
                    $"(look for a loop that never ends):\n{e.PythonTraceback}", e);
            }
            catch (PythonException e)
            {
                throw Explain(function, e);
            }
            finally
            {
                lock (gate) done = true;
                if (fired) ClearInterrupt(thread);
            }
            using (result)
            {
                var items = result.ToList();
                try
                {
                    return items.Select(a => new StudentArray(Shape(a), NumpyArrays.ToDoubles(a, out _))).ToList();
                }
                finally
                {
                    items.ForEach(i => i.Dispose());
                }
            }
        }
    }

    /// <summary>Clears an interrupt set too late to be raised; running Python to do so may raise it instead, which clears it as well.</summary>
    private void ClearInterrupt(ulong thread)
    {
        try
        {
            _helper.CallMethod("clear_interrupt", unchecked((long)thread)).Dispose();
        }
        catch (PythonException e) when (e.IsInterrupt)
        {
        }
    }

    private StudentCodeException Explain(string function, PythonException e) =>
        e.TypeName == "StudentContractError"
            ? new StudentCodeException($"{_file}: {e.PythonMessage}", e)
            : new StudentCodeException($"{function} in {_file} raised {e.TypeName}: {e.PythonMessage}\n{StudentFrames(e.PythonTraceback)}", e);

    /// <summary>The traceback without the frames of Bridge's own adapter, which tell a student nothing.</summary>
    internal static string StudentFrames(string traceback)
    {
        var lines = traceback.Split('\n');
        var kept = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("File ", StringComparison.Ordinal) && (lines[i].Contains("bridge_student.py", StringComparison.Ordinal) || lines[i].Contains("<frozen importlib", StringComparison.Ordinal)))
            {
                // Skip this frame's source line(s) too: everything up to the next frame or the exception line.
                while (i + 1 < lines.Length && lines[i + 1].StartsWith("    ", StringComparison.Ordinal)) i++;
                continue;
            }
            kept.Add(lines[i]);
        }
        return string.Join('\n', kept);
    }

    private static int[] Shape(PyObject array)
    {
        using var shape = array.GetAttr("shape");
        return shape.ToList().Select(d => { using (d) return checked((int)d.ToInt64()); }).ToArray();
    }

    private static List<string> Names(IReadOnlyList<Activation> activations) => activations.Select(a => a.Name()).ToList();

    private static (PyObject Kernels, PyObject Biases) ToPython(IReadOnlyList<LayerWeights> weights)
    {
        var kernels = weights.Select(l => NumpyArrays.FromDoubles(l.Kernel, l.Inputs, l.Outputs)).ToList();
        var biases = weights.Select(l => NumpyArrays.FromDoubles(l.Bias, l.Outputs)).ToList();
        try
        {
            return (PyObject.From(kernels), PyObject.From(biases));
        }
        finally
        {
            kernels.ForEach(k => k.Dispose());
            biases.ForEach(b => b.Dispose());
        }
    }
}
