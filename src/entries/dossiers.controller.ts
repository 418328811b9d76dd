import type { FastifyRequest } from 'fastify';
import { Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../core/auth/actor';
import { CurrentActor, Requires } from '../core/auth/decorators';
import { Permission } from '../core/access/policy';
import { ApiErrors } from '../core/http/api-errors';
import { readUpload } from '../core/http/upload';
import { DOSSIER_TYPES } from './dossier-files';
import { DossiersService } from './dossiers.service';
import { DossierFileView } from './dto/entry.dto';

@ApiTags('dossiers')
@ApiBearerAuth()
@Controller('entries/:id/dossier')
export class DossiersController {
  constructor(private readonly dossiers: DossiersService) {}

  @Post()
  @ApiOperation({ summary: 'Attach a file to the dossier of an entry' })
  @Requires(Permission.DossierWrite)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'PDF, JPEG, PNG or WebP, recognised from its content' } } } })
  @ApiCreatedResponse({ type: DossierFileView })
  @ApiErrors(400, 403, 404, 413, 415, 422)
  async attach(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Req() request: FastifyRequest): Promise<DossierFileView> {
    return this.dossiers.attach(actor, id, await readUpload(request));
  }

  @Get(':fileId')
  @ApiOperation({ summary: 'Download a dossier file' })
  @Requires(Permission.DossierRead)
  @Header('X-Content-Type-Options', 'nosniff')
  @ApiProduces(...DOSSIER_TYPES.map((t) => t.mediaType))
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'The file as uploaded' })
  @ApiErrors(400, 403, 404)
  async download(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Param('fileId', ParseUUIDPipe) fileId: string): Promise<StreamableFile> {
    const file = await this.dossiers.download(actor, id, fileId);
    return new StreamableFile(file.stream, { type: file.mediaType, disposition: file.disposition, length: file.length });
  }

  @Delete(':fileId')
  @ApiOperation({ summary: 'Remove a dossier file' })
  @Requires(Permission.DossierWrite)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed from the dossier' })
  @ApiErrors(400, 403, 404, 422)
  remove(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Param('fileId', ParseUUIDPipe) fileId: string): Promise<void> {
    return this.dossiers.remove(actor, id, fileId);
  }
}
