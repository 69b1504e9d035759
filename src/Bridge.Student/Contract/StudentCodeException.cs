namespace Bridge.Student;

/// <summary>
/// The student's code failed or broke the contract: it raised (the Python traceback is in the message), returned the
/// wrong shape or dtype, a NaN, or did not return in time. The message names the function, the layer and what was
/// expected, in words a student can act on.
/// </summary>
public sealed class StudentCodeException(string message, Exception? inner = null) : Exception(message, inner);
