namespace Bridge.Student;

/// <summary>
/// The student's functions as <see cref="StudentModel"/> calls them, whatever language they are written in. Each call
/// gets fresh copies and returns the arrays as the student made them; the model checks them. Failures arrive as
/// <see cref="StudentCodeException"/>s.
/// </summary>
internal interface IStudentCode : IDisposable
{
    /// <summary>Where the code runs, for reports: "python 3.11, numpy 1.24: my_net.py".</summary>
    string Description { get; }

    /// <summary>Whether the student wrote a step of their own.</summary>
    bool HasStep { get; }

    /// <summary>The outputs of layers firstLayer … firstLayer + weights.Count − 1.</summary>
    IReadOnlyList<StudentArray> Forward(IReadOnlyList<LayerWeights> weights, Matrix x, IReadOnlyList<Activation> activations, int firstLayer);

    /// <summary>dW then db of every layer: two arrays per layer.</summary>
    IReadOnlyList<StudentArray> Gradients(IReadOnlyList<LayerWeights> weights, Matrix x, Matrix targets, IReadOnlyList<Activation> activations, Loss loss);

    /// <summary>W then b of every layer after one step: two arrays per layer; null when the student's code leaves this step to Bridge.</summary>
    IReadOnlyList<StudentArray>? Step(IReadOnlyList<LayerWeights> weights, IReadOnlyList<LayerWeights> gradients, double learningRate);
}
