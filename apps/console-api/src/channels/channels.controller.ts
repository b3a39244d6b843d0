import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { ChannelView } from '@parley/contracts';
import { Authenticated } from '../auth/auth.decorators';
import { CONFIGURE, READ_CONFIGURATION } from '../auth/role-policy';
import { ChannelDto, ChannelTypeDto, ConnectChannelDto, ListChannelsQueryDto, UpdateChannelDto } from './channels.dto';
import { ChannelsService } from './channels.service';

@ApiTags('channels')
@Controller('api')
export class ChannelsController {
  constructor(@Inject(ChannelsService) private readonly channels: ChannelsService) {}

  @Post('lines/:id/channels')
  @Authenticated(...CONFIGURE)
  @ApiOperation({ summary: 'Connect a messenger account to a line (credentials are checked with the messenger)' })
  @ApiCreatedResponse({ type: ChannelDto })
  @ApiConflictResponse({ description: 'CHANNEL_ALREADY_CONNECTED / CONFLICT: the account is connected already' })
  @ApiUnprocessableEntityResponse({ description: 'CHANNEL_CHECK_FAILED: the messenger refused the credentials' })
  connect(@Param('id', ParseUUIDPipe) lineId: string, @Body() body: ConnectChannelDto): Promise<ChannelView> {
    return this.channels.connect(body.type, lineId, body.name, { ...body.settings });
  }

  @Get('channel-types')
  @Authenticated(...READ_CONFIGURATION)
  @ApiOperation({ summary: 'Messengers an admin can connect, with their settings fields' })
  @ApiOkResponse({ type: [ChannelTypeDto] })
  types(): Array<{ type: string; settings: ReadonlyArray<object> }> {
    return this.channels.channelTypes();
  }

  @Get('channels')
  @Authenticated(...READ_CONFIGURATION)
  @ApiOperation({ summary: 'Connected channels, optionally of one line' })
  @ApiOkResponse({ type: [ChannelDto] })
  list(@Query() query: ListChannelsQueryDto): Promise<ChannelView[]> {
    return this.channels.list(query.lineId);
  }

  @Patch('channels/:id')
  @Authenticated(...CONFIGURE)
  @ApiOperation({ summary: 'Rename a channel or switch it Active/Disconnected' })
  @ApiOkResponse({ type: ChannelDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateChannelDto): Promise<ChannelView> {
    return this.channels.update(id, {
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.active === undefined ? {} : { active: body.active }),
    });
  }

  @Delete('channels/:id')
  @Authenticated(...CONFIGURE)
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a channel and its stored credentials' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.channels.delete(id);
  }
}
