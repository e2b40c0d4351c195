import { OpenAIEmbeddings } from '@langchain/openai';
import { DocentError, IngestError } from '../core/errors.js';
import { type Embedder, vectorProblem } from '../core/ports/embedder.js';

export interface OpenAIEmbedderOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** Asked of models that can shorten their vectors (text-embedding-3-*); absent: the model's own size. */
  dimensions?: number;
  timeoutMs?: number;
}

/**
 * Any OpenAI-compatible embeddings endpoint (OpenAI, Azure, Ollama, vLLM). Its vector size is
 * measured, not looked up by model name: endpoints serve one name at other sizes. Every vector
 * it returns is checked against that size before anything can store or search with it.
 */
export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  /** 0 until `measureDimension` has asked the endpoint. */
  dimension = 0;
  private readonly client: OpenAIEmbeddings;

  constructor(private readonly options: OpenAIEmbedderOptions) {
    this.id = `openai:${options.model}`;
    this.client = new OpenAIEmbeddings({
      apiKey: options.apiKey,
      model: options.model,
      dimensions: options.dimensions,
      batchSize: 256,
      timeout: options.timeoutMs ?? 30_000,
      maxRetries: 3,
      configuration: options.baseURL ? { baseURL: options.baseURL } : undefined,
    });
  }

  /** One probe embedding, once: the size the knowledge base is bound to and every vector must have. */
  async measureDimension(): Promise<void> {
    if (this.dimension > 0) return;
    const { model, dimensions } = this.options;
    let size: number;
    try {
      size = (await this.client.embedQuery('dimension probe')).length;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Could not measure the vector size of "${model}" at the embeddings endpoint: ${reason}`,
        {
          cause: error,
        },
      );
    }
    if (size === 0) throw new Error(`The embeddings endpoint returned an empty vector for "${model}".`);
    if (dimensions !== undefined && size !== dimensions)
      throw new Error(
        `EMBEDDING_DIMENSIONS is ${dimensions}, but the endpoint returned vectors of ${size} numbers ` +
          `for "${model}"; the model may not support choosing its size.`,
      );
    this.dimension = size;
  }

  async embedDocuments(texts: string[]): Promise<Float32Array[]> {
    await this.measureDimension();
    const vectors = (await this.client.embedDocuments(texts)).map((v) => Float32Array.from(v));
    const problem =
      vectors.length === texts.length
        ? vectors.map((v) => vectorProblem(v, this.dimension)).find((p) => p !== undefined)
        : `${vectors.length} vectors for ${texts.length} passages`;
    // Permanent: the endpoint answers this way for every try, and a wrong vector must never be stored.
    if (problem)
      throw new IngestError('embedder_mismatch', this.refusal(problem, 'the file was not indexed'));
    return vectors;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    await this.measureDimension();
    const vector = Float32Array.from(await this.client.embedQuery(text));
    const problem = vectorProblem(vector, this.dimension);
    if (problem)
      throw new DocentError('embedder_mismatch', this.refusal(problem, 'the question was not searched'));
    return vector;
  }

  private refusal(problem: string, consequence: string): string {
    return (
      `The embedding service (model "${this.options.model}") returned ${problem}, so ${consequence}; ` +
      'an operator should check EMBEDDING_MODEL and EMBEDDING_DIMENSIONS.'
    );
  }
}
