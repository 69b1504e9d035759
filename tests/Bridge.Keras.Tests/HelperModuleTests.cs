using Bridge.Testing;

namespace Bridge.Keras.Tests;

[Collection(PythonCollection.Name)]
public sealed class HelperModuleTests
{
    [SkippableFact]
    public void Bridge_keras_passes_its_own_python_tests()
    {
        KerasUnderTest.Require();
        HelperModuleSuite.Passes(atLeast: 2, noneSkipped: true);
    }
}
