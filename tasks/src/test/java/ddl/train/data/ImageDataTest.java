package ddl.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageDataTest {

    @Test
    void namesMeanTheDefaultFoldersAndABareFolderMeansFashionMnist() {
        assertEquals(new ImageData("mnist", Mnist.DEFAULT_DIR), ImageData.parse("mnist"));
        assertEquals(new ImageData("fashion-mnist", FashionMnist.DEFAULT_DIR), ImageData.parse("Fashion-MNIST"));
        assertEquals(new ImageData("mnist", Path.of("/data/m")), ImageData.parse("mnist:/data/m"));
        assertEquals(new ImageData("fashion-mnist", Path.of("some/dir")), ImageData.parse("some/dir"));
        assertEquals("mnist", ImageData.parse("mnist").toString());
        assertEquals("mnist:/data/m", ImageData.parse("mnist:/data/m").toString());
        assertArrayEquals(new int[] {28, 28, 1}, ImageData.parse("mnist").imageShape());
        assertEquals("7", ImageData.parse("mnist").classNames().get(7));
        assertEquals("Bag", ImageData.parse("fashion-mnist").classNames().get(8));
    }
}
